using FaceEmbeddings.Metrics;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Metrics;

public class ClustersTests(MetricsReference reference, ITestOutputHelper output) : IClassFixture<MetricsReference>
{
    private const double Tolerance = 1e-5;

    private Tensor RowsOfGroup(int group)
    {
        using var scope = NewDisposeScope();
        var rows = Enumerable.Range(0, reference.Groups.Count).Where(i => reference.Groups[i] == group.ToString(System.Globalization.CultureInfo.InvariantCulture)).Select(i => (long)i).ToArray();
        return reference["x"].index_select(0, tensor(rows)).MoveToOuterDisposeScope();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Centroid_and_within_sum_of_squares_of_each_group_match_the_fixture(int group)
    {
        using var scope = NewDisposeScope();
        var rows = RowsOfGroup(group);

        var centroid = Clusters.Centroid(rows);
        var wss = Clusters.WithinSumOfSquares(rows);

        centroid.shape.Should().Equal(512);
        wss.shape.Should().BeEmpty();
        wss.dtype.Should().Be(ScalarType.Float32);
        double centroidError = Errors.MaxScaled(centroid, reference["centroids"][group]);
        double wssError = Errors.MaxRelative(wss, reference["wss"][group]);
        output.WriteLine($"group {group}: centroid max relative error {centroidError:E2}, wss relative error {wssError:E2}");
        centroidError.Should().BeLessThan(Tolerance);
        wssError.Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void Summarize_reports_each_group_as_the_fixture_and_its_exact_distances_give_it()
    {
        using var scope = NewDisposeScope();
        using var summary = Clusters.Summarize(reference["x"], reference.Groups);

        summary.Groups.Select(g => g.Name).Should().Equal("0", "1");
        double[][] cdist = Errors.Rows(reference["cdist"]);
        double[] wss = reference["wss"].to(ScalarType.Float64).data<double>().ToArray();
        for (int group = 0; group < 2; group++)
        {
            var g = summary.Groups[group];
            int[] members = Enumerable.Range(0, 98).Where(i => reference.Groups[i] == g.Name).ToArray();
            var pairs = members.SelectMany(i => members.Where(j => j > i).Select(j => cdist[i][j])).Order().ToArray();

            g.Count.Should().Be(49);
            Errors.MaxScaled(g.Centroid, reference["centroids"][group]).Should().BeLessThan(Tolerance);
            g.WithinSumOfSquares.Should().BeApproximately(wss[group], Tolerance * wss[group]);
            g.WithinSumOfSquaresPerMember.Should().BeApproximately(wss[group] / 49, Tolerance * wss[group] / 49);
            pairs.Length.Should().Be(49 * 48 / 2);   // even: the median is the mean of the two middle pairs
            g.MeanPairwiseDistance!.Value.Should().BeApproximately(pairs.Average(), Tolerance);
            g.MedianPairwiseDistance!.Value.Should().BeApproximately((pairs[pairs.Length / 2 - 1] + pairs[pairs.Length / 2]) / 2, Tolerance);
        }

        double[][] centroids = Errors.Rows(reference["centroids"]);
        double between = Math.Sqrt(centroids[0].Zip(centroids[1], (a, b) => (a - b) * (a - b)).Sum());
        summary.CentroidDistances.shape.Should().Equal(2, 2);
        summary.CentroidDistances.diagonal().data<float>().ToArray().Should().OnlyContain(d => d == 0f);
        summary.CentroidDistance("0", "1").Should().BeApproximately(between, Tolerance * between);
        summary.CentroidDistance("1", "0").Should().Be(summary.CentroidDistance("0", "1"));
        summary["1"].Should().BeSameAs(summary.Groups[1]);
    }

    [Fact]
    public void Summarize_takes_groups_in_order_of_first_appearance_with_numpy_medians()
    {
        using var scope = NewDisposeScope();
        // One feature: group "b" = {0, 1, 3} has pairs 1, 3, 2 (odd count); "a" = {0, 1, 3, 7} has 1, 3, 7, 2, 6, 4 (even).
        var x = tensor(new double[] { 0, 0, 1, 1, 3, 3, 7, 10 }).reshape(8, 1);
        string[] labels = ["b", "a", "b", "a", "b", "a", "a", "c"];

        using var summary = Clusters.Summarize(x, labels);

        summary.Groups.Select(g => g.Name).Should().Equal("b", "a", "c");
        summary["b"].MedianPairwiseDistance.Should().Be(2);
        summary["b"].MeanPairwiseDistance.Should().Be(2);
        summary["a"].MedianPairwiseDistance.Should().Be(3.5);
        summary["a"].MeanPairwiseDistance!.Value.Should().BeApproximately(23.0 / 6, 1e-12);
        summary["a"].WithinSumOfSquares.Should().BeApproximately(28.75, 1e-12);   // mean 2.75: 2.75² + 1.75² + 0.25² + 4.25²
        summary["c"].Count.Should().Be(1);
        summary["c"].MeanPairwiseDistance.Should().BeNull("a single member has no pairs");
        summary["c"].MedianPairwiseDistance.Should().BeNull();
        summary["c"].WithinSumOfSquares.Should().Be(0);
        summary.CentroidDistances.dtype.Should().Be(ScalarType.Float64);
        summary.CentroidDistance("b", "c").Should().BeApproximately(10 - 4.0 / 3, 1e-12);
        summary["a"].Centroid.dtype.Should().Be(ScalarType.Float64);
    }

    [Fact]
    public void Labels_must_match_the_rows_and_not_be_null()
    {
        using var scope = NewDisposeScope();
        var x = ones(3, 2);

        var tooFew = () => Clusters.Summarize(x, ["a", "b"]);
        var withNull = () => Clusters.Summarize(x, ["a", null!, "b"]);

        tooFew.Should().Throw<ArgumentException>().Where(e => e.ParamName == "groups").WithMessage("*one group label per embedding (3)*2 labels*");
        withNull.Should().Throw<ArgumentException>().Where(e => e.ParamName == "groups").WithMessage("*null group label at index 1*");
    }

    [Fact]
    public void Unknown_group_names_are_reported_with_the_known_ones()
    {
        using var scope = NewDisposeScope();
        using var summary = Clusters.Summarize(ones(2, 2), ["a", "b"]);

        var act = () => summary["z"];
        act.Should().Throw<KeyNotFoundException>().WithMessage("*'z'*'a', 'b'*");
    }

    [Fact]
    public void Non_finite_input_is_rejected_by_every_cluster_function()
    {
        using var scope = NewDisposeScope();
        var x = ones(4, 3);
        x[1, 1] = tensor(float.NaN);

        new Action[]
        {
            () => Clusters.Centroid(x),
            () => Clusters.WithinSumOfSquares(x),
            () => Clusters.Summarize(x, ["a", "a", "b", "b"]),
        }.Should().AllSatisfy(act => act.Should().Throw<ArgumentException>().WithMessage("*'x' [4, 3]*NaN or infinite*"));
    }

    [Fact]
    public void A_summary_outlives_the_callers_dispose_scope_and_dispose_frees_its_tensors()
    {
        Clusters.Summarize(reference["x"], reference.Groups).Dispose();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        ClusterSummary summary;
        using (NewDisposeScope())
            summary = Clusters.Summarize(reference["x"], reference.Groups);
        summary.CentroidDistances.IsInvalid.Should().BeFalse("the summary owns its tensors, not the caller's scope");
        summary.Groups.Should().OnlyContain(group => !group.Centroid.IsInvalid);
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before + summary.Groups.Count + 1, "only the centroids and their distances stay");

        summary.Dispose();
        summary.Groups.Should().OnlyContain(group => group.Centroid.IsInvalid);
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }

    [Fact]
    public void Repeated_summaries_do_not_grow_the_live_tensor_count()
    {
        Clusters.Summarize(reference["x"], reference.Groups).Dispose();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (int i = 0; i < 3; i++)
        {
            Clusters.Summarize(reference["x"], reference.Groups).Dispose();
            Clusters.Centroid(reference["x"]).Dispose();
            Clusters.WithinSumOfSquares(reference["x"]).Dispose();
        }

        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }
}
