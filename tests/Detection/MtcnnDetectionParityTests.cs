using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using Xunit.Abstractions;

namespace FaceEmbeddings.Tests.Detection;

/// <summary>Boxes, probabilities, landmarks and selections against facenet-pytorch (<c>fixtures/mtcnn/detect.json</c>).</summary>
public sealed class MtcnnDetectionParityTests(MtcnnFixture fixture, ITestOutputHelper output) : IClassFixture<MtcnnFixture>
{
    internal const float PixelTolerance = 0.5f;
    internal const float ProbabilityTolerance = 1e-4f;

    public static TheoryData<string> Images => new(MtcnnFixture.ImageNames);

    /// <summary>facenet-pytorch's four <c>selection_method</c>s (<see cref="FaceSelection.LargestConfident"/> is the library's own).</summary>
    private static readonly FaceSelection[] FacenetSelections =
        [FaceSelection.Largest, FaceSelection.Probability, FaceSelection.LargestOverThreshold, FaceSelection.CenterWeightedSize];

    public static TheoryData<string, FaceSelection> ImagesAndSelections()
    {
        var data = new TheoryData<string, FaceSelection>();
        foreach (string image in MtcnnFixture.ImageNames)
            foreach (FaceSelection selection in FacenetSelections)
                data.Add(image, selection);
        return data;
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Detections_match_facenet(string image)
    {
        FacenetDetections expected = fixture.Expected[image];
        IReadOnlyList<DetectedFace> faces = fixture.Detections(image);

        faces.Should().HaveCount(expected.Boxes.Length);
        float boxError = 0, probabilityError = 0, landmarkError = 0;
        for (int i = 0; i < faces.Count; i++)
        {
            BoundingBox box = faces[i].Box;
            boxError = Math.Max(boxError, MaxDifference(new[] { box.X1, box.Y1, box.X2, box.Y2 }, expected.Boxes[i]));
            probabilityError = Math.Max(probabilityError, Math.Abs(faces[i].Probability - expected.Probabilities[i]));
            faces[i].Landmarks.Should().HaveCount(DetectedFace.LandmarkCount);
            for (int p = 0; p < DetectedFace.LandmarkCount; p++)
                landmarkError = Math.Max(landmarkError, MaxDifference(new[] { faces[i].Landmarks[p].X, faces[i].Landmarks[p].Y }, expected.Landmarks[i][p]));
        }
        output.WriteLine($"{image}: {faces.Count} faces; max |Δ| box {boxError:G3} px, probability {probabilityError:G3}, landmarks {landmarkError:G3} px");
        boxError.Should().BeLessThanOrEqualTo(PixelTolerance);
        probabilityError.Should().BeLessThanOrEqualTo(ProbabilityTolerance);
        landmarkError.Should().BeLessThanOrEqualTo(PixelTolerance);
    }

    [Theory]
    [MemberData(nameof(ImagesAndSelections))]
    public void Selection_picks_the_face_facenet_picks(string image, FaceSelection selection)
    {
        string method = selection switch
        {
            FaceSelection.Largest => "largest",
            FaceSelection.Probability => "probability",
            FaceSelection.LargestOverThreshold => "largest_over_threshold",
            FaceSelection.CenterWeightedSize => "center_weighted_size",
            _ => throw new ArgumentOutOfRangeException(nameof(selection), selection, "Not one of facenet-pytorch's methods."),
        };
        float[]? expected = fixture.Expected[image].Selections[method];
        MtcnnFaceDetector detector = fixture.Detector(new MtcnnOptions { Selection = selection });

        DetectedFace? picked = detector.SelectFace(fixture.Image(image), fixture.Detections(image));

        if (expected is null)
        {
            picked.Should().BeNull();
            return;
        }
        picked.Should().NotBeNull();
        MaxDifference(new[] { picked!.Box.X1, picked.Box.Y1, picked.Box.X2, picked.Box.Y2 }, expected).Should().BeLessThanOrEqualTo(PixelTolerance);
    }

    [Fact]
    public void Selection_methods_differ_on_the_group_photo_as_in_facenet()
    {
        // In multiface.png facenet-pytorch picks three different faces with the four methods: the test above
        // would pass for a selector that ignores the method only if the fixture did not tell them apart.
        FacenetDetections expected = fixture.Expected["multiface"];
        expected.Selections.Values.Select(box => box![0]).Distinct().Should().HaveCount(3);
        var picks = FacenetSelections
            .Select(selection => fixture.Detector(new MtcnnOptions { Selection = selection }).DetectAndExtract(fixture.Image("multiface")))
            .ToList();
        try
        {
            picks.Should().OnlyContain(crops => crops.Count == 1);
            picks.Select(crops => crops[0].Face.Box.X1).Distinct().Should().HaveCount(3);
        }
        finally
        {
            foreach (FaceCrop crop in picks.SelectMany(crops => crops)) crop.Dispose();
        }
    }

    [Fact]
    public void Largest_over_threshold_finds_nothing_when_no_face_exceeds_the_threshold()
    {
        MtcnnFaceDetector detector = fixture.Detector(new MtcnnOptions { Selection = FaceSelection.LargestOverThreshold, SelectionThreshold = 1f });
        detector.SelectFace(fixture.Image("multiface"), fixture.Detections("multiface")).Should().BeNull();
        detector.DetectAndExtract(fixture.Image("multiface")).Should().BeEmpty();
    }

    [Fact]
    public void A_batch_of_mixed_sizes_gives_each_image_its_own_detections()
    {
        string[] names = { "multiface", "kate_siegel", "blank", "paul_rudd", "kate_siegel" };
        IReadOnlyList<IReadOnlyList<DetectedFace>> batch = fixture.Detector().Detect(names.Select(fixture.Image).ToList());

        batch.Should().HaveCount(names.Length);
        float largest = 0;
        for (int i = 0; i < names.Length; i++)
        {
            FacenetDetections expected = fixture.Expected[names[i]];
            batch[i].Should().HaveCount(expected.Boxes.Length, names[i]);
            for (int k = 0; k < batch[i].Count; k++)
            {
                BoundingBox box = batch[i][k].Box;
                largest = Math.Max(largest, MaxDifference(new[] { box.X1, box.Y1, box.X2, box.Y2 }, expected.Boxes[k]));
            }
        }
        output.WriteLine($"batched: max |Δ| box {largest:G3} px");
        largest.Should().BeLessThanOrEqualTo(PixelTolerance);
    }

    [Fact]
    public void Images_without_faces_give_empty_lists()
    {
        MtcnnFaceDetector detector = fixture.Detector();
        using FaceImage onePixel = FaceImage.FromRgb(new byte[] { 200, 150, 100 }, 1, 1);
        using FaceImage belowTheWindow = FaceImage.FromRgb(new byte[19 * 19 * 3], 19, 19);
        using FaceImage thinStrip = FaceImage.FromRgb(Enumerable.Range(0, 2000 * 12 * 3).Select(i => (byte)i).ToArray(), 2000, 12);

        detector.Detect(onePixel).Should().BeEmpty();
        detector.Detect(belowTheWindow).Should().BeEmpty();
        detector.Detect(thinStrip).Should().BeEmpty();
        detector.DetectAndExtract(onePixel).Should().BeEmpty();
        detector.Detect(Array.Empty<FaceImage>()).Should().BeEmpty();
    }

    internal static float MaxDifference(float[] actual, float[] expected)
    {
        actual.Should().HaveSameCount(expected);
        return actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max();
    }
}
