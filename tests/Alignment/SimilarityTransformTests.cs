using FaceEmbeddings.Detection;

namespace FaceEmbeddings.Tests.Alignment;

public class SimilarityTransformTests
{
    private static readonly (double X, double Y)[] Template = FaceAlignment.DlibMeanFace.TemplateIn(150).ToArray();

    [Theory]
    [InlineData(0, 1, 0, 0)]
    [InlineData(30, 2.5, 400, -20)]
    [InlineData(-75, 0.4, 12.25, 300)]
    [InlineData(180, 1.7, -5, 5)]
    public void A_similarity_image_of_the_template_is_fitted_exactly(double degrees, double scale, double tx, double ty)
    {
        double angle = degrees * Math.PI / 180;
        double a = scale * Math.Cos(angle), b = scale * Math.Sin(angle);
        var landmarks = Template.Select(p => (a * p.X - b * p.Y + tx, b * p.X + a * p.Y + ty)).ToArray();

        SimilarityTransform fitted = SimilarityTransform.Fit(Template, landmarks);

        fitted.A.Should().BeApproximately(a, 1e-12);
        fitted.B.Should().BeApproximately(b, 1e-12);
        fitted.Tx.Should().BeApproximately(tx, 1e-9);
        fitted.Ty.Should().BeApproximately(ty, 1e-9);
        fitted.Scale.Should().BeApproximately(scale, 1e-12);
        for (int i = 0; i < Template.Length; i++)
        {
            (double x, double y) = fitted.Map(Template[i].X, Template[i].Y);
            x.Should().BeApproximately(landmarks[i].Item1, 1e-9);
            y.Should().BeApproximately(landmarks[i].Item2, 1e-9);
        }
    }

    [Fact]
    public void Noisy_points_get_the_least_squares_fit_which_no_nearby_transform_beats()
    {
        var random = new Random(7);
        var landmarks = Template.Select(p => (1.3 * p.X + 0.2 * p.Y + 40 + random.NextDouble() * 6, -0.2 * p.X + 1.3 * p.Y + 10 + random.NextDouble() * 6)).ToArray();
        SimilarityTransform fitted = SimilarityTransform.Fit(Template, landmarks);
        double best = SquaredError(fitted, landmarks);

        // The normal equations' solution: every small step in any of the four parameters makes the error larger.
        foreach ((double da, double db, double dx, double dy) in new (double, double, double, double)[] { (1e-3, 0, 0, 0), (-1e-3, 0, 0, 0), (0, 1e-3, 0, 0), (0, -1e-3, 0, 0), (0, 0, 0.05, 0), (0, 0, -0.05, 0), (0, 0, 0, 0.05), (0, 0, 0, -0.05) })
            SquaredError(new SimilarityTransform(fitted.A + da, fitted.B + db, fitted.Tx + dx, fitted.Ty + dy), landmarks).Should().BeGreaterThan(best);
        best.Should().BeGreaterThan(0, "the points are not a similarity image of the template");
    }

    [Fact]
    public void The_inverse_undoes_the_transform()
    {
        var transform = new SimilarityTransform(0.8, -1.1, 30, -7);
        SimilarityTransform inverse = transform.Inverse();
        (double x, double y) = transform.Map(12.5, -3);
        (double backX, double backY) = inverse.Map(x, y);
        backX.Should().BeApproximately(12.5, 1e-12);
        backY.Should().BeApproximately(-3, 1e-12);
    }

    [Fact]
    public void Degenerate_or_mismatched_points_are_refused_by_name()
    {
        var same = Enumerable.Repeat((3.0, 4.0), 5).ToArray();
        FluentActions.Invoking(() => SimilarityTransform.Fit(same, Template)).Should().Throw<ArgumentException>().WithParameterName("from");
        FluentActions.Invoking(() => SimilarityTransform.Fit(Template, Template.Take(4).ToArray())).Should().Throw<ArgumentException>().WithParameterName("to");
        var notFinite = Template.Select((p, i) => i == 2 ? (double.NaN, p.Y) : p).ToArray();
        FluentActions.Invoking(() => SimilarityTransform.Fit(Template, notFinite)).Should().Throw<ArgumentException>().WithMessage("*Point 2 of to is not finite*");
        FluentActions.Invoking(() => new SimilarityTransform(0, 0, 1, 1).Inverse()).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Faces_whose_landmarks_cannot_be_aligned_are_refused_naming_the_landmarks()
    {
        var collapsed = Enumerable.Repeat(new FacePoint(10, 10), 5).ToArray();
        FluentActions.Invoking(() => FaceAlignment.DlibMeanFace.ChipToImage(collapsed, 150)).Should().Throw<ArgumentException>().WithParameterName("landmarks");
        FluentActions.Invoking(() => FaceAlignment.DlibMeanFace.ChipToImage(collapsed.Take(3).ToArray(), 150)).Should().Throw<ArgumentException>().WithParameterName("landmarks");
    }

    [Fact]
    public void The_dlib_template_puts_the_eyes_level_and_the_mouth_below_the_nose()
    {
        // dlib's mean face, padding 0.25, in a 150-pixel chip: eye centres are the means of landmarks 36–41 and 42–47.
        (double X, double Y)[] chip = FaceAlignment.DlibMeanFace.TemplateIn(150).ToArray();
        chip[0].X.Should().BeApproximately((0.25 + 0.2254918) / 1.5 * 150, 1e-4);
        chip[1].X.Should().BeApproximately((0.25 + 0.7547613) / 1.5 * 150, 1e-4);
        chip[0].Y.Should().BeApproximately(chip[1].Y, 1e-9);
        chip[2].Y.Should().BeApproximately((0.25 + 0.515625) / 1.5 * 150, 1e-4);
        chip[3].Y.Should().BeGreaterThan(chip[2].Y);
    }

    private static double SquaredError(SimilarityTransform transform, (double X, double Y)[] landmarks) =>
        Template.Select((p, i) =>
        {
            (double x, double y) = transform.Map(p.X, p.Y);
            return (x - landmarks[i].X) * (x - landmarks[i].X) + (y - landmarks[i].Y) * (y - landmarks[i].Y);
        }).Sum();
}
