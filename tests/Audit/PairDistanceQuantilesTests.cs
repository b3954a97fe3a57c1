using FaceEmbeddings.Metrics;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Audit;

public class PairDistanceQuantilesTests
{
    /// <summary>Euclidean distances written out directly (no matrix-product identity), in the inputs' dtype.</summary>
    private static Tensor DirectEuclidean(Tensor a, Tensor b)
    {
        Tensor differences = a.unsqueeze(1).sub(b.unsqueeze(0));
        return differences.mul(differences).sum(-1).sqrt();
    }

    private static DifferentPersonPairs PairsOf(Tensor x, long[] groups, long maxChunkElements) =>
        new(x, tensor(groups), DirectEuclidean, maxChunkElements);

    /// <summary>Every i &lt; j distance, read from one full matrix of the same distance function, sorted.</summary>
    private static double[] SortedPairDistances(Tensor x)
    {
        using var full = DirectEuclidean(x, x).to(ScalarType.Float64);
        double[] matrix = full.data<double>().ToArray();
        int n = (int)x.shape[0];
        var pairs = new List<double>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                pairs.Add(matrix[i * n + j]);
        pairs.Sort();
        return pairs.ToArray();
    }

    [Theory]
    [InlineData(1_000_000L, 1_000_000L)]  // one chunk, gathered
    [InlineData(37L, 1_000_000L)]         // many chunks, gathered
    [InlineData(37L, 50L)]                // many chunks, refined by histogram passes
    [InlineData(1_000_000L, 1L)]          // refined down to a single value
    public void Order_statistics_equal_sorting_every_pair_distance(long maxChunkElements, long exactLimit)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(1234);
        Tensor x = randn(new long[] { 60, 8 }, generator: generator);
        double[] sorted = SortedPairDistances(x);
        long[] ranks = { 0, 1, 17, 885, sorted.Length / 2, sorted.Length - 2, sorted.Length - 1 };

        double[] selected = PairDistanceQuantiles.Select(PairsOf(x, new long[60], maxChunkElements), ranks, exactLimit, CancellationToken.None);

        selected.Should().Equal(ranks.Select(rank => sorted[rank]));
    }

    [Theory]
    [InlineData(1_000_000L)]
    [InlineData(100L)]
    [InlineData(1L)]
    public void Ties_are_resolved_by_rank_on_points_of_a_line(long exactLimit)
    {
        // Points 0, 1, …, 100 on a line: distance d occurs for 101 − d pairs, so the pairs at distance ≤ D
        // number 101·D − D(D + 1)/2 and the (k+1)-th smallest distance is the least D with that count > k.
        using var scope = NewDisposeScope();
        Tensor x = TestTensors.Range(101, ScalarType.Float32).unsqueeze(1);
        static long AtMost(long d) => 101 * d - d * (d + 1) / 2;
        long[] ranks = { 0, 99, 100, 505, 2000, 5049 };
        long[] expected = ranks.Select(k => Enumerable.Range(1, 100).First(d => AtMost(d) > k)).Select(d => (long)d).ToArray();

        double[] selected = PairDistanceQuantiles.Select(PairsOf(x, new long[101], 200), ranks, exactLimit, CancellationToken.None);

        selected.Should().Equal(expected.Select(d => (double)d));
    }

    [Fact]
    public void False_matches_are_counted_strictly_below_each_threshold_overall_and_within_groups()
    {
        // Points 0..100 on a line, grouped even / odd. Within a group the distances are even; a group of
        // m points spaced 2 apart has m − d/2 pairs at distance d.
        using var scope = NewDisposeScope();
        Tensor x = TestTensors.Range(101, ScalarType.Float32).unsqueeze(1);
        long[] groups = Enumerable.Range(0, 101).Select(i => (long)(i % 2)).ToArray();
        double[] thresholds = { 6, 0.5, 4.0001, 101 };

        FalseMatchCounts counts = FalseMatchCounts.Count(PairsOf(x, groups, 150), thresholds, groupCount: 2, CancellationToken.None);

        static long Overall(double t) => Enumerable.Range(1, 100).Where(d => d < t).Sum(d => 101L - d);
        static long Within(int members, double t) => Enumerable.Range(1, members - 1).Where(step => 2 * step < t).Sum(step => (long)(members - step));
        counts.Overall.Should().Equal(thresholds.Select(Overall));
        counts.Overall[0].Should().Be(490, "distances 1..5 occur 100 + 99 + 98 + 97 + 96 times");
        for (int t = 0; t < thresholds.Length; t++)
            counts.PerGroup[t].Should().Equal(new[] { Within(51, thresholds[t]), Within(50, thresholds[t]) }, $"threshold {thresholds[t]}");
        counts.PerGroup[0].Should().Equal(99, 97);
        counts.PerGroup[3].Should().Equal(51 * 50 / 2, 50 * 49 / 2);
    }

    [Fact]
    public void Counting_on_random_data_matches_a_loop_over_all_pairs()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(99);
        Tensor x = randn(new long[] { 45, 5 }, generator: generator);
        long[] groups = Enumerable.Range(0, 45).Select(i => (long)(i * 7 % 3)).ToArray();
        double[] matrix = DirectEuclidean(x, x).to(ScalarType.Float64).data<double>().ToArray();
        double[] thresholds = { 1.5, 2.5, 3.0 };

        FalseMatchCounts counts = FalseMatchCounts.Count(PairsOf(x, groups, 64), thresholds, groupCount: 3, CancellationToken.None);

        for (int t = 0; t < thresholds.Length; t++)
        {
            long overall = 0;
            var perGroup = new long[3];
            for (int i = 0; i < 45; i++)
            {
                for (int j = i + 1; j < 45; j++)
                {
                    if (matrix[i * 45 + j] >= thresholds[t]) continue;
                    overall++;
                    if (groups[i] == groups[j]) perGroup[groups[i]]++;
                }
            }
            counts.Overall[t].Should().Be(overall);
            counts.PerGroup[t].Should().Equal(perGroup);
        }
    }

    [Fact]
    public void A_cancelled_scan_stops()
    {
        using var scope = NewDisposeScope();
        Tensor x = randn(30, 4);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        FluentActions.Invoking(() => PairDistanceQuantiles.Select(PairsOf(x, new long[30], 100), new long[] { 3 }, 1_000, cancelled.Token))
            .Should().Throw<OperationCanceledException>();
    }
}
