using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Recognition;

/// <summary>
/// FaceVerifier with the random-weight encoder checkpoint: the distances say nothing about people (plumbing only), but
/// they are the encoder's, so the verifier's arithmetic and face choice can be checked against it.
/// </summary>
[Collection(FaceNetTestGroup.Name)]
public sealed class FaceVerifierTests
{
    [Theory]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.Cosine)]
    public void Two_embeddings_are_compared_exactly_and_match_only_strictly_below_the_threshold(DistanceMetric metric)
    {
        using var encoder = FaceNetEncoder.FromFile(SharedData.PathOf(FaceNetReference.CheckpointPath));
        using var generator = new Generator(3, CPU);
        using var pair = randn([2, 512], generator: generator);
        using var a = pair[0];
        using var b = pair[1];
        double[] x = Array.ConvertAll(a.data<float>().ToArray(), v => (double)v), y = Array.ConvertAll(b.data<float>().ToArray(), v => (double)v);
        double expected = metric == DistanceMetric.Euclidean
            ? Math.Sqrt(x.Zip(y, (p, q) => (p - q) * (p - q)).Sum())
            : 1 - x.Zip(y, (p, q) => p * q).Sum() / Math.Sqrt(x.Sum(p => p * p) * y.Sum(q => q * q));

        FaceVerification result = new FaceVerifier(encoder, new VerificationThreshold(expected * 2, metric, "test")).Verify(a, b);
        FaceVerification atThreshold = new FaceVerifier(encoder, new VerificationThreshold(result.Distance, metric, "test")).Verify(a, b);

        result.Distance.Should().BeApproximately(expected, 1e-5 * Math.Max(1, expected));
        result.IsMatch.Should().BeTrue();
        atThreshold.IsMatch.Should().BeFalse("a distance equal to the threshold is not below it");
    }

    [Fact]
    public void Bad_embeddings_and_thresholds_are_refused_by_name()
    {
        using var encoder = FaceNetEncoder.FromFile(SharedData.PathOf(FaceNetReference.CheckpointPath));
        var verifier = new FaceVerifier(encoder, new VerificationThreshold(1, DistanceMetric.Euclidean, "test"));
        using var good = ones(512);
        using var wrongSize = ones(128);
        using var two = ones(2, 512);

        FluentActions.Invoking(() => verifier.Verify(good, wrongSize)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("b");
        FluentActions.Invoking(() => verifier.Verify(two, good)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("a");
        FluentActions.Invoking(() => new FaceVerifier(encoder, new VerificationThreshold(-1, DistanceMetric.Euclidean, "test")))
            .Should().Throw<ArgumentException>();
        using FaceImage blank = FaceImage.FromRgb(new byte[64 * 64 * 3], 64, 64);
        FluentActions.Invoking(() => verifier.Verify(blank, blank)).Should().Throw<InvalidOperationException>("images need a detector");
    }

    [Fact]
    public async Task Two_images_are_compared_by_their_largest_faces()
    {
        using var encoder = FaceNetEncoder.FromFile(SharedData.PathOf(FaceNetReference.CheckpointPath));
        using var detector = await MtcnnFaceDetector.CreateAsync(new MtcnnOptions { KeepAll = true }, new ModelStore(SharedData.PathOf("models")));
        var verifier = new FaceVerifier(encoder, new VerificationThreshold(0.5, DistanceMetric.Euclidean, "test"), detector);
        using FaceImage group = FaceImage.Load(SharedData.PathOf("fixtures/images/multiface.png"));
        using FaceImage portrait = FaceImage.Load(SharedData.PathOf("data/people/obama/obama.jpg"));
        using FaceImage blank = FaceImage.FromRgb(new byte[64 * 64 * 3], 64, 64);

        FaceVerification different = verifier.Verify(group, portrait);
        FaceVerification same = verifier.Verify(portrait, portrait);

        // Independently: the largest face of each by box area, embedded one at a time, float64 distance.
        double[] Largest(FaceImage image)
        {
            DetectedFace face = detector.Detect(image).MaxBy(candidate => candidate.Box.Width * candidate.Box.Height)!;
            using FaceCrop crop = detector.Extract(image, face);
            using TorchSharp.torch.Tensor embedding = encoder.Embed(crop);
            return Array.ConvertAll(embedding.data<float>().ToArray(), v => (double)v);
        }
        double[] left = Largest(group), right = Largest(portrait);
        different.Distance.Should().BeApproximately(Math.Sqrt(left.Zip(right, (p, q) => (p - q) * (p - q)).Sum()), 1e-4);
        same.Distance.Should().BeLessThan(1e-5);
        same.IsMatch.Should().BeTrue();
        FluentActions.Invoking(() => verifier.Verify(portrait, blank)).Should().Throw<NoFaceFoundException>().Which.Image.Should().BeSameAs(blank);
        FluentActions.Invoking(() => verifier.Verify(blank, portrait)).Should().Throw<NoFaceFoundException>().Which.Image.Should().BeSameAs(blank);
    }
}
