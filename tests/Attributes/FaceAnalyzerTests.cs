using FaceEmbeddings.Attributes;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.TfJs;
using FaceEmbeddings.Tests.Infrastructure;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Attributes;

/// <summary><see cref="FaceAnalyzer"/>: face-api's results through the public API, its input preparation, and bad inputs.</summary>
[Collection(FaceApiAttributesTestGroup.Name)]
public sealed class FaceAnalyzerTests(FaceApiAttributesReference reference, ITestOutputHelper output)
{
    private const float AgeTolerance = 1e-3f;
    private const float ProbabilityTolerance = 1e-5f;

    [Fact]
    public void Pixels_give_face_apis_age_gender_and_expressions()
    {
        using var scope = NewDisposeScope();
        IReadOnlyList<FaceAttributes> results = reference.Analyzer.AnalyzePixels(reference.Pixels());

        results.Should().HaveCount(FaceApiAttributesReference.CropCount);
        AssertMatchesFaceApi(results, 0);
        results.Count(r => r.Expressions.Dominant == FaceExpression.Happy).Should().Be(37, "the fixture README: happy is the top expression on 37 of 48");
    }

    [Fact]
    public void Small_batches_give_the_same_results_as_one_crop_at_a_time()
    {
        using var scope = NewDisposeScope();
        using FaceAnalyzer batched = FaceAnalyzer.FromFiles(SharedData.PathOf(FaceApiAttributesReference.AgeGenderManifest),
            SharedData.PathOf(FaceApiAttributesReference.ExpressionManifest), new FaceAnalyzerOptions { MaxBatchSize = 5 });

        IReadOnlyList<FaceAttributes> inBatches = batched.AnalyzePixels(reference.Pixels());
        for (int i = 0; i < FaceApiAttributesReference.CropCount; i += 5)
        {
            FaceAttributes alone = reference.Analyzer.AnalyzePixels(reference.Pixels(i, 1))[0];
            inBatches[i].Age.Should().BeApproximately(alone.Age, 1e-4f, $"crop {i}");
            inBatches[i].MaleProbability.Should().BeApproximately(alone.MaleProbability, 1e-6f, $"crop {i}");
            inBatches[i].Expressions.Probabilities.Zip(alone.Expressions.Probabilities, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(1e-6f);
        }
    }

    [Fact]
    public void Non_square_crops_are_padded_bottom_right_and_resized_as_tensorflow_does()
    {
        using var scope = NewDisposeScope();
        // 224×223 and 223×224 crops holding the 112×112 originals at even rows and columns and black elsewhere. face-api
        // pads the odd difference after (the 224th column or row) and TF's bilinear resize without half-pixel centres samples
        // input position 2i: exactly the original pixels. Padding before, or half-pixel centres (PyTorch's default), would
        // blend in the black and move the ages by years.
        Tensor original = reference.Pixels(40, 8);
        Tensor rows = stack([original, zeros_like(original)], 3).reshape(8, 3, 224, 112);
        Tensor doubled = stack([rows, zeros_like(rows)], 4).reshape(8, 3, 224, 224);

        AssertMatchesFaceApi(reference.Analyzer.AnalyzePixels(doubled.narrow(3, 0, 223)), 40);
        AssertMatchesFaceApi(reference.Analyzer.AnalyzePixels(doubled.narrow(2, 0, 223)), 40);
    }

    [Fact]
    public void Faces_in_an_image_are_cut_as_a_square_of_1_2_times_the_box()
    {
        using var scope = NewDisposeScope();
        // Each 112×112 fixture crop is pasted into a 300×250 noise image at (50, 60); a square box of side 112 / 1.2 centred
        // on it makes the analyzer cut exactly those 112×112 pixels, so face-api's results must come back.
        var results = new List<FaceAttributes>();
        var generator = new Random(30);
        for (int i = 40; i < 48; i++)
        {
            byte[] rgb = new byte[300 * 250 * 3];
            generator.NextBytes(rgb);
            byte[] crop = reference.Crops[i].contiguous().data<byte>().ToArray();
            for (int y = 0; y < 112; y++)
                Array.Copy(crop, y * 112 * 3, rgb, (((60 + y) * 300) + 50) * 3, 112 * 3);
            using var image = FaceEmbeddings.Imaging.FaceImage.FromRgb(rgb, 300, 250);
            float half = 112f / 1.2f / 2;
            var face = new DetectedFace(new BoundingBox(106 - half, 116 - half, 106 + half, 116 + half), 1f, []);

            results.Add(reference.Analyzer.Analyze(image, [face]).Single());
        }

        AssertMatchesFaceApi(results, 40);
    }

    [Fact]
    public void A_face_at_the_edge_is_clipped_to_the_image_and_padded_as_face_api_pads_it()
    {
        using var scope = NewDisposeScope();
        byte[] rgb = reference.Crops[3].contiguous().data<byte>().ToArray();
        using var image = FaceEmbeddings.Imaging.FaceImage.FromRgb(rgb, 112, 112);
        // A box whose 1.2× square reaches 20 pixels past the left edge: the 92 columns inside are padded back to a square.
        float half = 112f / 1.2f / 2;
        var face = new DetectedFace(new BoundingBox(36 - half, 56 - half, 36 + half, 56 + half), 1f, []);

        FaceAttributes clipped = reference.Analyzer.Analyze(image, [face]).Single();

        FaceAttributes expected = reference.Analyzer.AnalyzePixels(reference.Pixels(3, 1).narrow(3, 0, 92))[0];
        clipped.Age.Should().BeApproximately(expected.Age, 1e-4f);
        clipped.MaleProbability.Should().BeApproximately(expected.MaleProbability, 1e-6f);
        reference.Analyzer.Analyze(image, []).Should().BeEmpty();
        var outside = new DetectedFace(new BoundingBox(500, 500, 600, 600), 1f, []);
        reference.Analyzer.Invoking(a => a.Analyze(image, [outside])).Should().Throw<ArgumentException>().WithMessage("*faces[0]*no pixels*");
    }

    [Fact]
    public void Several_images_analyzed_at_once_give_the_results_of_each_image_alone()
    {
        using var scope = NewDisposeScope();
        var images = Enumerable.Range(10, 3)
            .Select(i => FaceEmbeddings.Imaging.FaceImage.FromRgb(reference.Crops[i].contiguous().data<byte>().ToArray(), 112, 112)).ToArray();
        try
        {
            float half = 112f / 1.2f / 2;
            DetectedFace Face(float x, float y) => new(new BoundingBox(x - half, y - half, x + half, y + half), 1f, []);
            IReadOnlyList<DetectedFace>[] faces = [[Face(56, 56), Face(40, 50)], [], [Face(70, 60)]];

            var together = reference.Analyzer.Analyze(images, faces);

            together.Select(ofImage => ofImage.Count).Should().Equal(2, 0, 1);
            for (int i = 0; i < images.Length; i++)
            {
                IReadOnlyList<FaceAttributes> alone = reference.Analyzer.Analyze(images[i], faces[i]);
                for (int f = 0; f < alone.Count; f++)
                {
                    together[i][f].Age.Should().BeApproximately(alone[f].Age, 1e-4f);
                    together[i][f].MaleProbability.Should().BeApproximately(alone[f].MaleProbability, 1e-6f);
                }
            }
            together[0][0].Age.Should().BeApproximately(reference.Analyzer.Analyze(images[0], [Face(56, 56)])[0].Age, 1e-4f);
            reference.Analyzer.Invoking(a => a.Analyze(images, faces.Take(2).ToArray())).Should().Throw<ArgumentException>().WithMessage("*one list per image (3)*got 2*");
            reference.Analyzer.Invoking(a => a.Analyze(images, [faces[0], null!, faces[2]])).Should().Throw<ArgumentException>().WithMessage("faces[1] is null*");
            reference.Analyzer.Invoking(a => a.Analyze(images, [faces[0], [], [Face(900, 900)]])).Should().Throw<ArgumentException>().WithMessage("*faces[2][0]*no pixels*");
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }

    [Fact]
    public void Standardized_crops_give_the_results_of_their_pixels()
    {
        using var scope = NewDisposeScope();
        Tensor pixels = reference.Pixels(0, 6);
        var empty = new DetectedFace(new BoundingBox(0, 0, 112, 112), 1f, []);
        using var standardized = new FaceCrop(PixelNormalization.Standardized.Apply(pixels[0]), empty, isStandardized: true);
        using var raw = new FaceCrop(pixels[1].clone(), empty, isStandardized: false);

        IReadOnlyList<FaceAttributes> results = reference.Analyzer.Analyze([standardized, raw]);

        IReadOnlyList<FaceAttributes> expected = reference.Analyzer.AnalyzePixels(pixels.narrow(0, 0, 2));
        results[0].Age.Should().BeApproximately(expected[0].Age, 1e-4f);
        results[1].Age.Should().BeApproximately(expected[1].Age, 1e-4f);
        reference.Analyzer.Analyze(raw).Gender.Should().Be(expected[1].Gender);
        reference.Analyzer.Analyze(Array.Empty<FaceCrop>()).Should().BeEmpty();
    }

    [Fact]
    public void An_analyzer_built_inside_a_dispose_scope_outlives_it()
    {
        FaceAnalyzer analyzer;
        using (NewDisposeScope())
        {
            analyzer = FaceAnalyzer.FromFiles(SharedData.PathOf(FaceApiAttributesReference.AgeGenderManifest),
                SharedData.PathOf(FaceApiAttributesReference.ExpressionManifest));
        }
        using (analyzer)
        using (NewDisposeScope())
        {
            analyzer.AnalyzePixels(reference.Pixels(0, 1))[0].Age.Should().BeApproximately(reference["age"][0].item<float>(), AgeTolerance);
        }
    }

    [Fact]
    public void BFloat16_stays_close_to_float32()
    {
        using var scope = NewDisposeScope();
        using FaceAnalyzer reduced = FaceAnalyzer.FromFiles(SharedData.PathOf(FaceApiAttributesReference.AgeGenderManifest),
            SharedData.PathOf(FaceApiAttributesReference.ExpressionManifest), new FaceAnalyzerOptions { Precision = EncoderPrecision.BFloat16 });

        IReadOnlyList<FaceAttributes> full = reference.Analyzer.AnalyzePixels(reference.Pixels());
        IReadOnlyList<FaceAttributes> half = reduced.AnalyzePixels(reference.Pixels());

        float worstAge = full.Zip(half, (a, b) => Math.Abs(a.Age - b.Age)).Max();
        float worstMale = full.Zip(half, (a, b) => Math.Abs(a.MaleProbability - b.MaleProbability)).Max();
        output.WriteLine($"bfloat16: max |Δage| {worstAge:F3} years, max |Δp(male)| {worstMale:F4}");
        reduced.Precision.Should().Be(EncoderPrecision.BFloat16);
        worstAge.Should().BeGreaterThan(0f, "bfloat16 rounds").And.BeLessThan(3f);
        worstMale.Should().BeLessThan(0.1f);
    }

    [Fact]
    public void Bad_inputs_are_refused_with_a_typed_exception_naming_them()
    {
        using var scope = NewDisposeScope();
        FaceAnalyzer analyzer = reference.Analyzer;
        analyzer.Invoking(a => a.AnalyzePixels(zeros(2, 112, 112, 3))).Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "pixels").WithMessage("*N×3×H×W*[2, 112, 112, 3]*");
        analyzer.Invoking(a => a.AnalyzePixels(zeros([1, 3, 112, 112], ScalarType.Float64))).Should().Throw<ArgumentException>().WithMessage("*float32*Float64*");
        using Scalar tooBright = 300f, notANumber = float.NaN;
        analyzer.Invoking(a => a.AnalyzePixels(full(1, 3, 8, 8, tooBright))).Should().Throw<ArgumentException>().WithMessage("*0 to 255*300*");
        analyzer.Invoking(a => a.AnalyzePixels(full(1, 3, 8, 8, notANumber))).Should().Throw<ArgumentException>().WithMessage("*NaN*");
        analyzer.AnalyzePixels(zeros(0, 3, 112, 112)).Should().BeEmpty();

        var face = new DetectedFace(new BoundingBox(0, 0, 10, 10), 1f, []);
        var disposed = new FaceCrop(zeros(3, 112, 112), face, isStandardized: false);
        disposed.Dispose();
        analyzer.Invoking(a => a.Analyze([disposed])).Should().Throw<ArgumentException>().WithMessage("*crops[0]*disposed*");
        analyzer.Invoking(a => a.Analyze([null!])).Should().Throw<ArgumentException>().WithMessage("*crops[0] is null*");

        new FaceAnalyzerOptions { MaxBatchSize = 0 }.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "MaxBatchSize");
        new FaceAnalyzerOptions { Precision = (EncoderPrecision)7 }.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "Precision");
        new Func<FaceExpressions>(() => new FaceExpressions([0.5f, 0.5f])).Should().Throw<ArgumentException>().WithMessage("*7 probabilities*");
    }

    [Fact]
    public void Swapped_or_missing_weight_files_are_refused()
    {
        string ageGender = SharedData.PathOf(FaceApiAttributesReference.AgeGenderManifest);
        string expression = SharedData.PathOf(FaceApiAttributesReference.ExpressionManifest);

        new Action(() => FaceAnalyzer.FromFiles(expression, ageGender)).Should().Throw<StateDictMismatchException>();
        new Action(() => FaceAnalyzer.FromFiles(ageGender, "/nonexistent/face_expression_model-weights_manifest.json"))
            .Should().Throw<FileNotFoundException>().WithMessage("*nonexistent*");
    }

    [Fact]
    public void A_disposed_analyzer_refuses_work()
    {
        using var scope = NewDisposeScope();
        FaceAnalyzer analyzer = FaceAnalyzer.FromStateDicts(
            TfJsWeights.Load(SharedData.PathOf(FaceApiAttributesReference.AgeGenderManifest)),
            TfJsWeights.Load(SharedData.PathOf(FaceApiAttributesReference.ExpressionManifest)));
        analyzer.Input.Size.Should().Be(112);
        analyzer.Input.ApplyTo(new MtcnnOptions()).Margin.Should().Be(19, "the MTCNN box widened about 1.2 times: 112 / (112 − 19)");
        analyzer.Dispose();

        analyzer.Invoking(a => a.AnalyzePixels(zeros(1, 3, 112, 112))).Should().Throw<ObjectDisposedException>();
    }

    /// <summary>Checks results against face-api's rows <paramref name="start"/>.. of the fixture.</summary>
    private void AssertMatchesFaceApi(IReadOnlyList<FaceAttributes> results, int start)
    {
        float[] ages = reference["age"].data<float>().ToArray();
        float[] softmax = reference["gender_softmax"].data<float>().ToArray();
        float[] probability = reference["gender_probability"].data<float>().ToArray();
        float[] expressions = reference["expressions"].data<float>().ToArray();
        float worstAge = 0, worstProbability = 0;
        for (int k = 0; k < results.Count; k++)
        {
            int i = start + k;
            FaceAttributes result = results[k];
            worstAge = Math.Max(worstAge, Math.Abs(result.Age - ages[i]));
            worstProbability = Math.Max(worstProbability, Math.Abs(result.MaleProbability - softmax[2 * i]));
            worstProbability = Math.Max(worstProbability, Math.Abs(result.GenderProbability - probability[i]));
            for (int e = 0; e < 7; e++)
                worstProbability = Math.Max(worstProbability, Math.Abs(result.Expressions.Probabilities[e] - expressions[(7 * i) + e]));
            result.Gender.Should().Be(softmax[2 * i] > 0.5f ? ApparentGender.Male : ApparentGender.Female, $"crop {i}");
        }
        output.WriteLine($"crops {start}..{start + results.Count - 1}: max |Δage| {worstAge:E2}, max |Δp| {worstProbability:E2}");
        worstAge.Should().BeLessThanOrEqualTo(AgeTolerance);
        worstProbability.Should().BeLessThanOrEqualTo(ProbabilityTolerance);
    }
}
