using FaceEmbeddings.Runtime;
using FaceEmbeddings.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Metrics;

public class DistancesTests
{
    private static Tensor RandomRows(long rows, long columns, long seed, ScalarType dtype = ScalarType.Float32)
    {
        using var generator = new Generator((ulong)seed, CPU);
        return randn([rows, columns], dtype: dtype, generator: generator);
    }

    /// <summary>The three metrics written out in double loops over host values.</summary>
    private static double Reference(double[] a, double[] b, DistanceMetric metric)
    {
        double squared = 0, dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            squared += (a[i] - b[i]) * (a[i] - b[i]);
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return metric switch
        {
            DistanceMetric.Euclidean => Math.Sqrt(squared),
            DistanceMetric.SquaredEuclidean => squared,
            _ => 1 - dot / Math.Sqrt(aa * bb),
        };
    }

    [Theory]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.SquaredEuclidean)]
    [InlineData(DistanceMetric.Cosine)]
    public void Pairwise_matches_the_definition_of_each_metric(DistanceMetric metric)
    {
        using var scope = NewDisposeScope();
        var a = RandomRows(17, 40, seed: 1);
        var b = RandomRows(23, 40, seed: 2);

        var distances = Distances.Pairwise(a, b, metric);

        double[][] left = Errors.Rows(a), right = Errors.Rows(b);
        var expected = tensor(left.SelectMany(l => right.Select(r => Reference(l, r, metric))).ToArray()).reshape(17, 23);
        distances.shape.Should().Equal(17, 23);
        Errors.MaxRelative(distances, expected).Should().BeLessThan(1e-6);
    }

    [Theory]
    [InlineData(DistanceMetric.SquaredEuclidean)]
    [InlineData(DistanceMetric.Cosine)]
    public void Pairwise_of_a_matrix_with_itself_has_an_exact_zero_diagonal(DistanceMetric metric)
    {
        using var scope = NewDisposeScope();
        var x = RandomRows(30, 16, seed: 3);

        var distances = Distances.Pairwise(x, metric: metric);

        distances.diagonal().data<float>().ToArray().Should().OnlyContain(d => d == 0f);
        Errors.MaxRelative(distances, Distances.Pairwise(x, x.clone(), metric), 1e-3).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void Cosine_distances_near_zero_keep_their_relative_precision()
    {
        using var scope = NewDisposeScope();
        var x = RandomRows(1, 512, seed: 4);
        using Scalar small = 1e-3f;
        var nearby = x.Plus(RandomRows(1, 512, seed: 5).mul(small));

        double actual = Distances.Pairwise(x, nearby, DistanceMetric.Cosine).ToDoubleValue();

        double expected = Reference(Errors.Rows(x)[0], Errors.Rows(nearby)[0], DistanceMetric.Cosine);
        expected.Should().BeLessThan(1e-5);
        Math.Abs(actual - expected).Should().BeLessThan(1e-5 * expected);
    }

    [Theory]
    [InlineData(DistanceMetric.Euclidean, 1)]
    [InlineData(DistanceMetric.Euclidean, 5)]
    [InlineData(DistanceMetric.SquaredEuclidean, 7)]
    [InlineData(DistanceMetric.Cosine, 5)]
    public void Nearest_in_chunks_matches_brute_force_pairwise_and_topk(DistanceMetric metric, int k)
    {
        using var scope = NewDisposeScope();
        // With 1 MiB chunks and 64 columns, queries run in chunks of 32 (or fewer) and the gallery in chunks of about 1,600.
        var queries = RandomRows(100, 64, seed: 6);
        var gallery = RandomRows(5000, 64, seed: 7);

        var (distances, indices) = Distances.Nearest(queries, gallery, k, metric, chunkBytes: 1L << 20);

        var (expectedDistances, expectedIndices) = Distances.Pairwise(queries, gallery, metric).topk(k, dim: 1, largest: false);
        distances.shape.Should().Equal(100, k);
        indices.dtype.Should().Be(ScalarType.Int64);
        indices.data<long>().ToArray().Should().Equal(expectedIndices.data<long>().ToArray());
        Errors.MaxRelative(distances, expectedDistances).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void Nearest_breaks_ties_by_the_lower_gallery_index_and_finds_exact_duplicates_at_zero()
    {
        using var scope = NewDisposeScope();
        var rows = RandomRows(50, 8, seed: 8);
        var gallery = cat([rows, rows], 0);   // row i and row i + 50 are identical

        var (distances, indices) = Distances.Nearest(rows, gallery, k: 2);

        var expected = Enumerable.Range(0, 50).SelectMany(i => new long[] { i, i + 50 }).ToArray();
        indices.data<long>().ToArray().Should().Equal(expected);
        distances.data<float>().ToArray().Should().OnlyContain(d => d == 0f);
    }

    [Fact]
    public void Nearest_with_k_equal_to_the_gallery_size_ranks_the_whole_gallery()
    {
        using var scope = NewDisposeScope();
        var queries = RandomRows(3, 5, seed: 9);
        var gallery = RandomRows(4, 5, seed: 10);

        var (distances, indices) = Distances.Nearest(queries, gallery, k: 4);

        var (sorted, order) = Distances.Pairwise(queries, gallery).sort(dim: 1);
        indices.data<long>().ToArray().Should().Equal(order.data<long>().ToArray());
        Errors.MaxRelative(distances, sorted).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void Float64_input_stays_float64_throughout()
    {
        using var scope = NewDisposeScope();
        var queries = RandomRows(20, 12, seed: 11, ScalarType.Float64);
        var gallery = RandomRows(40, 12, seed: 12, ScalarType.Float64);

        var pairwise = Distances.Pairwise(queries, gallery);
        var (distances, _) = Distances.Nearest(queries, gallery, k: 3);

        pairwise.dtype.Should().Be(ScalarType.Float64);
        distances.dtype.Should().Be(ScalarType.Float64);
        // float64 precision: exact to far beyond float32 rounding.
        var expected = tensor(Errors.Rows(queries).SelectMany(q => Errors.Rows(gallery).Select(g => Reference(q, g, DistanceMetric.Euclidean))).ToArray()).reshape(20, 40);
        Errors.MaxRelative(pairwise, expected).Should().BeLessThan(1e-12);
    }

    [Fact]
    public void Repeated_calls_do_not_grow_the_live_tensor_count()
    {
        var x = RandomRows(40, 16, seed: 13);
        var y = RandomRows(300, 16, seed: 14);
        RunAll();   // first call may create lazily initialized state
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (int i = 0; i < 5; i++)
            RunAll();

        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
        x.Dispose();
        y.Dispose();

        void RunAll()
        {
            foreach (DistanceMetric metric in Enum.GetValues<DistanceMetric>())
            {
                Distances.Pairwise(x, metric: metric).Dispose();
                Distances.Pairwise(x, y, metric).Dispose();
                var (distances, indices) = Distances.Nearest(x, y, 3, metric, chunkBytes: 1L << 20);
                distances.Dispose();
                indices.Dispose();
            }
        }
    }
}
