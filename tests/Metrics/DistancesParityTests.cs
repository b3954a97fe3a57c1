using FaceEmbeddings.Metrics;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Metrics;

/// <summary>Euclidean distances against the exact float64 references of the fixtures.</summary>
public class DistancesParityTests(MetricsReference reference, ITestOutputHelper output) : IClassFixture<MetricsReference>
{
    private const double Tolerance = 1e-5;

    /// <summary>Below this the fixtures' README sets no relative bound (self-distances must be exactly 0).</summary>
    private const double RelativeFloor = 0.05;

    [Fact]
    public void Pairwise_within_the_metrics_fixture_matches_exact_distances_with_a_zero_diagonal()
    {
        using var distances = Distances.Pairwise(reference["x"]);

        distances.shape.Should().Equal(98, 98);
        distances.dtype.Should().Be(ScalarType.Float32);
        double error = Errors.MaxRelative(distances, reference["cdist"], RelativeFloor);
        output.WriteLine($"metrics cdist: max relative error {error:E2}");
        error.Should().BeLessThan(Tolerance);
        using var diagonal = distances.diagonal();
        diagonal.data<float>().ToArray().Should().OnlyContain(d => d == 0f);
    }

    [Fact]
    public void Pairwise_of_the_seed_pipeline_embeddings_matches_its_cdist()
    {
        using var distances = Distances.Pairwise(reference.SeedEmbeddings);

        double error = Errors.MaxRelative(distances, reference.SeedDistances, RelativeFloor);
        output.WriteLine($"seed_pipeline cdist: max relative error {error:E2}");
        error.Should().BeLessThan(Tolerance);
        using var diagonal = distances.diagonal();
        diagonal.data<float>().ToArray().Should().OnlyContain(d => d == 0f);
    }

    [Fact]
    public void Pairwise_between_two_sets_matches_the_corresponding_block()
    {
        using var scope = NewDisposeScope();
        var x = reference["x"];
        var distances = Distances.Pairwise(x.narrow(0, 0, 30), x.narrow(0, 30, 68));

        distances.shape.Should().Equal(30, 68);
        Errors.MaxRelative(distances, reference["cdist"].narrow(0, 0, 30).narrow(1, 30, 68), RelativeFloor).Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void Float64_input_gives_float64_distances_that_match_the_fixture()
    {
        using var scope = NewDisposeScope();
        var distances = Distances.Pairwise(reference["x"].to(ScalarType.Float64));

        distances.dtype.Should().Be(ScalarType.Float64);
        distances.device_type.Should().Be(DeviceType.CPU);
        Errors.MaxRelative(distances, reference["cdist"], RelativeFloor).Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void Nearest_neighbours_of_the_fixture_are_the_sorted_rows_of_its_cdist()
    {
        using var scope = NewDisposeScope();
        var x = reference["x"];
        var (distances, indices) = Distances.Nearest(x, x, k: 5);

        var (expectedDistances, expectedIndices) = reference["cdist"].topk(5, dim: 1, largest: false);
        indices.data<long>().ToArray().Should().Equal(expectedIndices.data<long>().ToArray());
        Errors.MaxRelative(distances, expectedDistances, RelativeFloor).Should().BeLessThan(Tolerance);
        distances.select(1, 0).data<float>().ToArray().Should().OnlyContain(d => d == 0f, "each row is its own nearest neighbour");
    }
}
