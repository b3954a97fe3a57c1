namespace FaceEmbeddings.Detection;

/// <summary>
/// A similarity transform of the plane (rotation, uniform scale, translation; no reflection or shear):
/// <c>(x, y) ↦ (A·x − B·y + Tx, B·x + A·y + Ty)</c>. Seen as complex numbers it is <c>z ↦ (A + iB)·z + (Tx + iTy)</c>.
/// </summary>
/// <param name="A">Scale times the cosine of the rotation.</param>
/// <param name="B">Scale times the sine of the rotation.</param>
/// <param name="Tx">Horizontal translation.</param>
/// <param name="Ty">Vertical translation.</param>
public readonly record struct SimilarityTransform(double A, double B, double Tx, double Ty)
{
    /// <summary>How much the transform enlarges lengths.</summary>
    public double Scale => Math.Sqrt(A * A + B * B);

    /// <summary>The rotation in degrees, counter-clockwise in x-right, y-up axes (clockwise on an image, whose y axis points down).</summary>
    public double AngleDegrees => Math.Atan2(B, A) * 180 / Math.PI;

    /// <summary>The image of the point (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public (double X, double Y) Map(double x, double y) => (A * x - B * y + Tx, B * x + A * y + Ty);

    /// <summary>The transform that undoes this one.</summary>
    /// <exception cref="InvalidOperationException">The transform collapses the plane to a point (scale 0).</exception>
    public SimilarityTransform Inverse()
    {
        double norm = A * A + B * B;
        if (!(norm > 0))
            throw new InvalidOperationException("A similarity transform of scale 0 has no inverse.");
        double a = A / norm, b = -B / norm;
        return new SimilarityTransform(a, b, -(a * Tx - b * Ty), -(b * Tx + a * Ty));
    }

    /// <summary>
    /// The similarity transform that maps <paramref name="from"/> onto <paramref name="to"/> with the least sum of
    /// squared distances (Umeyama's solution restricted to rotations, which in the plane has a closed form): exact when
    /// <paramref name="to"/> is a similarity image of <paramref name="from"/>.
    /// </summary>
    /// <param name="from">At least two points, not all the same.</param>
    /// <param name="to">As many points, in corresponding order.</param>
    /// <exception cref="ArgumentException">The lists differ in length, hold fewer than two points, hold a point that is not
    /// finite, or <paramref name="from"/>'s points all coincide.</exception>
    public static SimilarityTransform Fit(IReadOnlyList<(double X, double Y)> from, IReadOnlyList<(double X, double Y)> to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.Count != to.Count)
            throw new ArgumentException($"A transform is fitted to corresponding points: got {from.Count} and {to.Count} points.", nameof(to));
        if (from.Count < 2)
            throw new ArgumentException($"A similarity transform needs at least 2 point pairs; got {from.Count}.", nameof(from));
        RequireFinite(from, nameof(from));
        RequireFinite(to, nameof(to));

        (double fromX, double fromY) = Mean(from);
        (double toX, double toY) = Mean(to);
        // Least squares over z = A + iB of Σ |z·p_i − q_i|² for centred p, q: z = Σ conj(p_i)·q_i / Σ |p_i|².
        double real = 0, imaginary = 0, spread = 0;
        for (int i = 0; i < from.Count; i++)
        {
            double px = from[i].X - fromX, py = from[i].Y - fromY;
            double qx = to[i].X - toX, qy = to[i].Y - toY;
            real += px * qx + py * qy;
            imaginary += px * qy - py * qx;
            spread += px * px + py * py;
        }
        if (!(spread > 0))
            throw new ArgumentException("The points to fit from all coincide: no rotation or scale can be found.", nameof(from));
        double a = real / spread, b = imaginary / spread;
        return new SimilarityTransform(a, b, toX - (a * fromX - b * fromY), toY - (b * fromX + a * fromY));
    }

    private static (double X, double Y) Mean(IReadOnlyList<(double X, double Y)> points)
    {
        double x = 0, y = 0;
        foreach ((double px, double py) in points)
        {
            x += px;
            y += py;
        }
        return (x / points.Count, y / points.Count);
    }

    private static void RequireFinite(IReadOnlyList<(double X, double Y)> points, string name)
    {
        for (int i = 0; i < points.Count; i++)
        {
            if (!double.IsFinite(points[i].X) || !double.IsFinite(points[i].Y))
                throw new ArgumentException($"Point {i} of {name} is not finite: ({points[i].X}, {points[i].Y}).", name);
        }
    }
}
