using FaceEmbeddings.Runtime;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Recognition;

public sealed class ThresholdCalibrationTests
{
    /// <summary>60 float64 embeddings of 15 identities (1 to 7 faces each), faces of one identity near its centre.</summary>
    private static (Tensor Embeddings, string[] Identities) LabelledSet()
    {
        using var generator = new Generator(21, CPU);
        var random = new Random(21);
        string[] identities = Enumerable.Range(0, 60).Select(_ => $"id{random.Next(15):D2}").ToArray();
        using var centres = randn([15, 10], ScalarType.Float64, generator: generator);
        using var noise = randn([60, 10], ScalarType.Float64, generator: generator);
        using var index = tensor(identities.Select(name => long.Parse(name[2..], System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        using var scaled = noise.mul(tensor(0.4));
        return (centres.index_select(0, index).Plus(scaled), identities);
    }

    [Theory]
    [InlineData(0.01, DistanceMetric.Euclidean)]
    [InlineData(0.1, DistanceMetric.Cosine)]
    [InlineData(0.3, DistanceMetric.SquaredEuclidean)]
    public void The_threshold_is_the_audit_rule_applied_to_different_identity_pairs_only(double rate, DistanceMetric metric)
    {
        (Tensor embeddings, string[] identities) = LabelledSet();
        using var _ = embeddings;
        using var all = Distances.Pairwise(embeddings, metric: metric);
        double[] distances = all.data<double>().ToArray();
        var impostor = new List<double>();
        var genuine = new List<double>();
        for (int i = 0; i < 60; i++)
            for (int j = i + 1; j < 60; j++)
                (identities[i] == identities[j] ? genuine : impostor).Add(distances[i * 60 + j]);
        impostor.Sort();
        long rank = (long)Math.Floor((decimal)rate * impostor.Count);

        CalibratedThreshold calibrated = ThresholdCalibration.ForFalseMatchRate(embeddings, identities, rate, metric);

        calibrated.DifferentPersonPairs.Should().Be(impostor.Count);
        calibrated.SamePersonPairs.Should().Be(genuine.Count);
        calibrated.Threshold.Distance.Should().BeApproximately(impostor[(int)rank], 1e-12);
        calibrated.Threshold.Metric.Should().Be(metric);
        calibrated.FalseMatches.Should().Be(impostor.Count(d => d < calibrated.Threshold.Distance)).And.BeLessThanOrEqualTo(rank);
        calibrated.FalseMatchRate.Should().BeLessThanOrEqualTo(rate);
        calibrated.TrueMatches.Should().Be(genuine.Count(d => d < calibrated.Threshold.Distance));
        calibrated.TrueMatchRate.Should().BeApproximately((double)calibrated.TrueMatches / genuine.Count, 1e-15);
        calibrated.TrueMatchRate.Should().BeGreaterThan(calibrated.FalseMatchRate, "faces of one identity are closer than faces of two");
    }

    [Fact]
    public void Bad_input_is_refused_with_the_argument_named()
    {
        (Tensor embeddings, string[] identities) = LabelledSet();
        using var _ = embeddings;

        FluentActions.Invoking(() => ThresholdCalibration.ForFalseMatchRate(embeddings, Enumerable.Repeat("same", 60).ToArray(), 0.01))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("identities");
        FluentActions.Invoking(() => ThresholdCalibration.ForFalseMatchRate(embeddings, identities[..59], 0.01))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("identities");
        FluentActions.Invoking(() => ThresholdCalibration.ForFalseMatchRate(embeddings, identities, 0))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("falseMatchRate");
        FluentActions.Invoking(() => ThresholdCalibration.ForFalseMatchRate(embeddings, identities, 1))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("falseMatchRate");
    }

    [Fact]
    public void Known_models_have_defaults_with_their_provenance_and_others_have_none()
    {
        VerificationThreshold? euclidean = VerificationThreshold.ForModel("vggface2", DistanceMetric.Euclidean);
        VerificationThreshold? squared = VerificationThreshold.ForModel("vggface2", DistanceMetric.SquaredEuclidean);

        euclidean!.Distance.Should().Be(1.04);
        euclidean.Source.Should().Contain("deepface").And.Contain("Facenet512");
        squared!.Distance.Should().BeApproximately(euclidean.Distance * euclidean.Distance, 1e-12, "the same decision in squared distance");
        VerificationThreshold.ForModel("vggface2", DistanceMetric.Cosine)!.Distance.Should().Be(0.30);
        VerificationThreshold.ForModel("casia-webface", DistanceMetric.Euclidean).Should().BeNull("no threshold is published for it");
        VerificationThreshold.ForModel("irv1-random-fp16.pt", DistanceMetric.Euclidean).Should().BeNull();

        VerificationThreshold? dlib = VerificationThreshold.ForModel("face-api-resnet", DistanceMetric.Euclidean);
        dlib!.Distance.Should().Be(0.6, "dlib's published threshold for its 128-d descriptors");
        dlib.Source.Should().Contain("dlib");
        VerificationThreshold.ForModel("face-api-resnet", DistanceMetric.SquaredEuclidean)!.Distance.Should().BeApproximately(0.36, 1e-7);
        VerificationThreshold.ForModel("face-api-resnet", DistanceMetric.Cosine).Should().BeNull("dlib's descriptors are not unit length and no cosine figure is published");
    }
}
