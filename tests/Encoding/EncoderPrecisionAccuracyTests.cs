using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.FaceApi;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Encoding;

/// <summary>
/// What <see cref="EncoderPrecision.BFloat16"/> costs in accuracy, for both encoders, on the people set
/// (<c>data/people</c>: nine photos of five people, MTCNN crops as each encoder's <see cref="IFaceEncoder.Input"/> asks):
/// the cosine of each bfloat16 embedding to its float32 one, the leave-one-out nearest neighbour's identity, and the
/// same/different decision of every pair at the threshold the library uses for the encoder.
/// </summary>
/// <remarks>
/// The cosine bound, 0.999, is an angle of 2.6°: between unit vectors a Euclidean distance of √(2 · 0.001) ≈ 0.045, under
/// 5% of either threshold (1.04 for FaceNet, 0.6 for face-api's descriptors of norm about 1.4). bfloat16 keeps 8
/// significant bits (a relative rounding of 2⁻⁹ ≈ 0.002 per value) and the errors of the layers partly cancel; the bound
/// is the one <see cref="EncoderPrecision.BFloat16"/> documents.
/// </remarks>
public sealed class EncoderPrecisionAccuracyTests(EncoderPrecisionAccuracyTests.PeopleFaces people, ITestOutputHelper output)
    : IClassFixture<EncoderPrecisionAccuracyTests.PeopleFaces>
{
    private const float MinimumCosine = 0.999f;

    /// <summary>
    /// The most a pair distance may move: observed 0.0024 (face-api) and 0.0053 (FaceNet); the cosine bound alone would
    /// allow 0.09. A decision can change only for a pair whose float32 distance lies this close to the threshold.
    /// </summary>
    private const float MaximumDistanceShift = 0.01f;

    [Fact]
    public void Face_api_bfloat16_descriptors_keep_identification_and_verification_decisions()
    {
        string manifest = SharedData.PathOf(FaceApiReference.ManifestPath);
        using var full = FaceApiEncoder.FromFile(manifest);
        using var reduced = FaceApiEncoder.FromFile(manifest, new FaceApiEncoderOptions { Precision = EncoderPrecision.BFloat16 });
        reduced.Precision.Should().Be(EncoderPrecision.BFloat16);

        Compare(full, reduced, FaceApiEncoder.DefaultMatchThreshold, "face-api DefaultMatchThreshold");
    }

    [Fact]
    public void FaceNet_bfloat16_embeddings_keep_identification_and_verification_decisions()
    {
        string checkpoint = SharedData.PathOf(FaceNetReference.CheckpointPath);
        using var full = FaceNetEncoder.FromFile(checkpoint);
        using var reduced = FaceNetEncoder.FromFile(checkpoint, new FaceNetEncoderOptions { Precision = EncoderPrecision.BFloat16 });
        VerificationThreshold threshold = VerificationThreshold.ForModel(ModelCatalog.VggFace2, DistanceMetric.Euclidean)!;

        Compare(full, reduced, threshold.Distance, "VerificationThreshold.ForModel(vggface2, Euclidean)");
    }

    private void Compare(IFaceEncoder full, IFaceEncoder reduced, double threshold, string thresholdName)
    {
        List<FaceCrop> crops = people.Crops(full.Input);
        try
        {
            using var scope = NewDisposeScope();
            Tensor fullEmbeddings = full.Embed(crops);
            Tensor reducedEmbeddings = reduced.Embed(crops);
            reducedEmbeddings.dtype.Should().Be(ScalarType.Float32);

            float[] cosines = nn.functional.cosine_similarity(reducedEmbeddings, fullEmbeddings, dim: 1).data<float>().ToArray();
            float[,] fullDistances = TestTensors.SquareMatrix(Distances.Pairwise(fullEmbeddings));
            float[,] reducedDistances = TestTensors.SquareMatrix(Distances.Pairwise(reducedEmbeddings));
            int n = crops.Count;

            var changedIdentities = new List<string>();
            int fullCorrect = 0;
            for (int i = 0; i < n; i++)
            {
                string fullMatch = people.Labels[NearestOther(fullDistances, i)];
                string reducedMatch = people.Labels[NearestOther(reducedDistances, i)];
                if (fullMatch == people.Labels[i]) fullCorrect++;
                if (fullMatch != reducedMatch) changedIdentities.Add($"{people.Names[i]}: {fullMatch} → {reducedMatch}");
            }

            var changedDecisions = new List<string>();
            float largestShift = 0f, closestToThreshold = float.MaxValue;
            int nearThreshold = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    largestShift = Math.Max(largestShift, Math.Abs(reducedDistances[i, j] - fullDistances[i, j]));
                    float margin = (float)Math.Abs(fullDistances[i, j] - threshold);
                    closestToThreshold = Math.Min(closestToThreshold, margin);
                    if (margin < MaximumDistanceShift) nearThreshold++;
                    if ((fullDistances[i, j] < threshold) != (reducedDistances[i, j] < threshold))
                        changedDecisions.Add($"{people.Names[i]} – {people.Names[j]}: {fullDistances[i, j]:F4} → {reducedDistances[i, j]:F4}");
                }

            output.WriteLine($"{n} faces, {n * (n - 1) / 2} pairs; cosine(bfloat16, float32) min {cosines.Min():F5}, mean {cosines.Average():F5}");
            output.WriteLine($"pair distances: largest |bfloat16 − float32| {largestShift:F4}; float32 pair closest to the threshold "
                + $"({thresholdName} = {threshold:G4}) lies {closestToThreshold:F4} from it; {nearThreshold} within {MaximumDistanceShift}");
            output.WriteLine($"top-1 (leave-one-out): float32 {fullCorrect}/{n} correct; identities changed by bfloat16: {changedIdentities.Count} {string.Join("; ", changedIdentities)}");
            output.WriteLine($"verification decisions changed by bfloat16: {changedDecisions.Count} {string.Join("; ", changedDecisions)}");

            cosines.Min().Should().BeGreaterThanOrEqualTo(MinimumCosine);
            changedIdentities.Should().BeEmpty("bfloat16 must not change whom a face is identified as");
            largestShift.Should().BeLessThanOrEqualTo(MaximumDistanceShift);
            changedDecisions.Should().HaveCountLessThanOrEqualTo(nearThreshold,
                "bfloat16 may change a same/different decision only for a pair within its distance shift of the threshold");
        }
        finally
        {
            crops.ForEach(crop => crop.Dispose());
        }
    }

    private static int NearestOther(float[,] distances, int row)
    {
        int nearest = -1;
        for (int j = 0; j < distances.GetLength(1); j++)
            if (j != row && (nearest < 0 || distances[row, j] < distances[row, nearest])) nearest = j;
        return nearest;
    }

    /// <summary>The people set's photos, each with the face MTCNN selects in it, detected once for both encoders.</summary>
    public sealed class PeopleFaces : IDisposable
    {
        private readonly List<FaceImage> images = [];
        private readonly List<DetectedFace> faces = [];

        public PeopleFaces()
        {
            string root = SharedData.PathOf("data/people");
            List<string> files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            files.Should().HaveCount(9);
            Labels = files.Select(file => Path.GetFileName(Path.GetDirectoryName(file))!).ToArray();
            Names = files.Select(file => $"{Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)}").ToArray();
            using MtcnnFaceDetector detector = Detector(new MtcnnOptions());
            foreach (string file in files)
            {
                FaceImage image = FaceImage.Load(file);
                images.Add(image);
                faces.Add(detector.SelectFace(image, detector.Detect(image)) ?? throw new InvalidOperationException($"No face found in {file}."));
            }
        }

        /// <summary>Each photo's person (its folder), in file order.</summary>
        public IReadOnlyList<string> Labels { get; }

        /// <summary>Each photo as person/file, for messages.</summary>
        public IReadOnlyList<string> Names { get; }

        /// <summary>New crops of the selected faces, cut as <paramref name="input"/> asks; the caller disposes them.</summary>
        public List<FaceCrop> Crops(FaceEncoderInput input)
        {
            using MtcnnFaceDetector cropper = Detector(input.ApplyTo(new MtcnnOptions()));
            return images.Select((image, i) => cropper.Extract(image, faces[i])).ToList();
        }

        public void Dispose() => images.ForEach(image => image.Dispose());

        private static MtcnnFaceDetector Detector(MtcnnOptions options) =>
            MtcnnFaceDetector.FromFiles(SharedData.PathOf("models/mtcnn/pnet.pt"), SharedData.PathOf("models/mtcnn/rnet.pt"),
                SharedData.PathOf("models/mtcnn/onet.pt"), options);
    }
}
