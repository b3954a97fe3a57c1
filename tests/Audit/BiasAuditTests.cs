using FaceEmbeddings.Audit;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Metrics;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Audit;

public class BiasAuditTests
{
    /// <summary>Random float64 embeddings in three groups of unequal size, labels interleaved.</summary>
    private static (Tensor X, string[] Groups) RandomGroups(ScalarType dtype = ScalarType.Float64)
    {
        var generator = new Generator(2024);
        Tensor x = randn(new long[] { 40, 6 }, ScalarType.Float64, generator: generator);
        string[] groups = Enumerable.Range(0, 40).Select(i => i % 5 == 0 ? "C" : i % 2 == 0 ? "A" : "B").ToArray();
        return (x.to(dtype), groups);
    }

    private static double[][] Rows(Tensor x)
    {
        double[] flat = x.to(ScalarType.Float64).data<double>().ToArray();
        int d = (int)x.shape[1];
        return Enumerable.Range(0, (int)x.shape[0]).Select(i => flat.Skip(i * d).Take(d).ToArray()).ToArray();
    }

    private static double Euclidean(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (p, q) => (p - q) * (p - q)).Sum());

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    [Fact]
    public void Figures_equal_a_brute_force_computation_in_float64_loops()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = RandomGroups();
        double[][] rows = Rows(x);
        var rates = new[] { 0.05, 0.01, 0.2 };

        BiasAuditResult result = BiasAudit.Run(x, groups, new BiasAuditOptions { FalseMatchRates = rates });

        string[] order = { "C", "B", "A" };   // order of first appearance: row 0 is C, row 1 B, row 2 A
        result.Groups.Select(g => g.Group).Should().Equal(order);
        result.Embeddings.Should().Be(40);
        result.Dimensions.Should().Be(6);
        result.DifferentPersonPairs.Should().Be(40 * 39 / 2);
        var centroids = new Dictionary<string, double[]>();
        foreach (GroupStatistics group in result.Groups)
        {
            double[][] members = rows.Where((_, i) => groups[i] == group.Group).ToArray();
            double[] centroid = Enumerable.Range(0, 6).Select(k => members.Average(m => m[k])).ToArray();
            centroids[group.Group] = centroid;
            double wss = members.Sum(m => m.Zip(centroid, (p, q) => (p - q) * (p - q)).Sum());
            var pairs = new List<double>();
            for (int i = 0; i < members.Length; i++)
                for (int j = i + 1; j < members.Length; j++)
                    pairs.Add(Euclidean(members[i], members[j]));

            group.Count.Should().Be(members.Length);
            group.WithinSumOfSquares.Should().BeApproximately(wss, 1e-10 * wss);
            group.WithinSumOfSquaresPerMember.Should().BeApproximately(wss / members.Length, 1e-10 * wss);
            group.MeanIntraGroupDistance.Should().BeApproximately(pairs.Average(), 1e-10);
            group.MedianIntraGroupDistance.Should().BeApproximately(Median(pairs), 1e-10);
        }
        result.CentroidDistances.Select(d => (d.First, d.Second)).Should().Equal(("C", "B"), ("C", "A"), ("B", "A"));
        foreach (CentroidDistance d in result.CentroidDistances)
            d.Distance.Should().BeApproximately(Euclidean(centroids[d.First], centroids[d.Second]), 1e-10);

        var all = new List<(double Distance, string? Group)>();
        for (int i = 0; i < 40; i++)
            for (int j = i + 1; j < 40; j++)
                all.Add((Euclidean(rows[i], rows[j]), groups[i] == groups[j] ? groups[i] : null));
        var sorted = all.Select(p => p.Distance).Order().ToArray();
        result.Verification.Select(v => v.TargetFalseMatchRate).Should().Equal(rates);
        foreach (VerificationAtFalseMatchRate view in result.Verification)
        {
            int k = (int)Math.Floor(view.TargetFalseMatchRate * all.Count + 1e-9);
            double threshold = sorted[k];
            view.Threshold.Should().BeApproximately(threshold, 1e-12);
            view.FalseMatches.Should().Be(all.Count(p => p.Distance < threshold));
            view.FalseMatchRate.Should().Be((double)view.FalseMatches / all.Count);
            view.FalseMatchRate.Should().BeLessThanOrEqualTo(view.TargetFalseMatchRate);
            foreach (GroupFalseMatchRate group in view.Groups)
            {
                int pairs = all.Count(p => p.Group == group.Group);
                int matches = all.Count(p => p.Group == group.Group && p.Distance < threshold);
                group.Pairs.Should().Be(pairs);
                group.FalseMatches.Should().Be(matches);
                group.FalseMatchRate.Should().Be((double)matches / pairs);
            }
            GroupFalseMatchRate worst = view.Groups.MaxBy(g => g.FalseMatchRate)!, best = view.Groups.MinBy(g => g.FalseMatchRate)!;
            view.WorstGroup.Should().Be(worst.Group);
            view.BestGroup.Should().Be(best.Group);
            if (best.FalseMatchRate > 0)
            {
                view.WorstToBestRatio.Should().BeApproximately(worst.FalseMatchRate / best.FalseMatchRate, 1e-12);
                // The headline ratio and the spread's max/min are one figure with one interval (one zero-rate rule).
                view.FalseMatchSpread!.MaxToMin.Should().BeApproximately(view.WorstToBestRatio!.Value, 1e-12);
                view.WorstToBestRatioInterval.Should().NotBeNull().And.Be(view.FalseMatchSpread.MaxToMinInterval);
            }
            else
            {
                view.WorstToBestRatio.Should().BeNull();
                view.WorstToBestRatioInterval.Should().BeNull();
            }
        }
        result.Verification.Should().Contain(v => v.FalseMatches > 0, "the rates are large enough for some false matches");
    }

    [Fact]
    public void The_plain_text_table_has_a_row_per_group_with_its_figures_and_the_too_small_group_last()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = RandomGroups();
        Tensor withLoner = cat([x, randn(new long[] { 1, 6 }, ScalarType.Float64)], 0);

        AuditTable table = AuditTable.Of(BiasAudit.Run(withLoner, [.. groups, "D"], new BiasAuditOptions { FalseMatchRates = [0.1] }));

        table.Title.Should().StartWith("Bias audit: 41 faces, ");
        table.Columns.Should().Equal("Group", "Count", "WSS", "WSS/member", "Mean dist", "Median dist", "FMR @ 0.1");
        // Groups in order of first appearance (faces 0, 1 and 2 are C, B and A), the too-small one last.
        table.Rows.Select(row => (row[0], row[1])).Should().Equal(("C", "8"), ("B", "16"), ("A", "16"), ("D", "1"));
        table.Rows[3][2].Should().Be("too small (1 < 2)");
        Tensor a = x.index_select(0, tensor(Enumerable.Range(0, 40).Where(i => groups[i] == "A").Select(i => (long)i).ToArray()));
        table.Rows[2][2].Should().Be(Clusters.WithinSumOfSquares(a).item<double>().ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture));
        table.Rows.Should().OnlyContain(row => row.Count == table.Columns.Count);
        table.Notes.Should().Contain(note => note.StartsWith("At a false-match rate of 0.1 (threshold ", StringComparison.Ordinal));
    }

    [Fact]
    public void Float32_embeddings_agree_with_the_metrics_functions_on_each_group()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = RandomGroups(ScalarType.Float32);

        BiasAuditResult result = BiasAudit.Run(x, groups);

        foreach (GroupStatistics group in result.Groups)
        {
            Tensor members = x.index_select(0, tensor(Enumerable.Range(0, 40).Where(i => groups[i] == group.Group).Select(i => (long)i).ToArray()));
            double wss = Clusters.WithinSumOfSquares(members).item<float>();
            group.WithinSumOfSquares.Should().BeApproximately(wss, 1e-5 * wss);
            Tensor distances = Distances.Pairwise(members).to(ScalarType.Float64);
            Tensor upper = ones(distances.shape, ScalarType.Bool).triu(1);
            group.MeanIntraGroupDistance.Should().BeApproximately(distances.masked_select(upper).mean().item<double>(), 1e-5);
        }
        Tensor centroids = stack(result.Groups.Select(g =>
            Clusters.Centroid(x.index_select(0, tensor(Enumerable.Range(0, 40).Where(i => groups[i] == g.Group).Select(i => (long)i).ToArray())))).ToArray());
        double[] expected = Distances.Pairwise(centroids).to(ScalarType.Float64).data<double>().ToArray();
        result.CentroidDistances.Select(d => d.Distance).Should().Equal(
            new[] { expected[1], expected[2], expected[5] }, (actual, wanted) => Math.Abs(actual - wanted) <= 1e-5);
    }

    [Fact]
    public void Thresholds_and_rates_match_the_analytic_answer_on_points_of_a_line()
    {
        // Group "tight": 10 points at 0, 1, …, 9, so 10 − d pairs at distance d. Group "loose": 10 points at
        // 100, 102, …, 118, so 10 − s pairs at distance 2s. Pairs across groups are at least 91 apart. M = 190.
        //  f = 0.05: k = ⌊9.5⌋ = 9. The 9 smallest are tight's pairs at 1; the 10th smallest is 2, so t = 2,
        //            9 false matches, all tight: tight 9/45, loose 0/45, worst/best infinite.
        //  f = 0.2:  k = 38. At most 2: 9 + 8 + 9 = 26; at 3: +7 = 33; at 4: +6 + 8 = 47 > 38, so t = 4;
        //            below 4: tight 9 + 8 + 7 = 24, loose 9: rates 24/45 and 9/45, ratio 8/3.
        //  f = 0.001: k = 0: t is the smallest distance, 1, and nothing lies below it: ratio undefined.
        using var scope = NewDisposeScope();
        float[] positions = Enumerable.Range(0, 10).Select(i => (float)i).Concat(Enumerable.Range(0, 10).Select(i => 100f + 2 * i)).ToArray();
        Tensor x = tensor(positions).unsqueeze(1);
        string[] groups = Enumerable.Repeat("tight", 10).Concat(Enumerable.Repeat("loose", 10)).ToArray();

        BiasAuditResult result = BiasAudit.Run(x, groups, new BiasAuditOptions { FalseMatchRates = [0.05, 0.2, 0.001] });

        result.DifferentPersonPairs.Should().Be(190);
        VerificationAtFalseMatchRate five = result.Verification[0], twenty = result.Verification[1], tenth = result.Verification[2];
        five.Threshold.Should().Be(2);
        five.FalseMatches.Should().Be(9);
        five.FalseMatchRate.Should().Be(9.0 / 190);
        five.Groups.Select(g => (g.Group, g.Pairs, g.FalseMatches)).Should().Equal(("tight", 45L, 9L), ("loose", 45L, 0L));
        five.WorstGroup.Should().Be("tight");
        five.BestGroup.Should().Be("loose");
        five.WorstToBestRatio.Should().BeNull();
        five.RatioKind.Should().Be(WorstToBestRatioKind.Infinite);

        twenty.Threshold.Should().Be(4);
        twenty.FalseMatches.Should().Be(33);
        twenty.Groups.Select(g => g.FalseMatchRate).Should().Equal(24.0 / 45, 9.0 / 45);
        twenty.WorstToBestRatio.Should().BeApproximately(8.0 / 3, 1e-12);
        twenty.RatioKind.Should().Be(WorstToBestRatioKind.Finite);

        tenth.Threshold.Should().Be(1);
        tenth.FalseMatches.Should().Be(0);
        tenth.Groups.Select(g => g.FalseMatches).Should().Equal(0, 0);
        tenth.WorstToBestRatio.Should().BeNull();
        tenth.RatioKind.Should().Be(WorstToBestRatioKind.Undefined);

        result.Groups.Select(g => g.WithinSumOfSquares).Should().Equal(82.5, 330.0);   // Σ(i − 4.5)² over 0..9, and 4× that
        result.CentroidDistances.Single().Distance.Should().Be(104.5);
    }

    [Fact]
    public void Refined_thresholds_in_small_chunks_equal_the_gathered_ones()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = RandomGroups(ScalarType.Float32);

        BiasAuditResult gathered = BiasAudit.Run(x, groups);
        BiasAuditResult refined = BiasAudit.Run(x, groups, new BiasAuditOptions { ExactQuantileMaxPairs = 16, MaxChunkDistances = 50 });

        refined.Should().BeEquivalentTo(gathered);
    }

    [Fact]
    public void Without_false_match_rates_there_is_no_verification_view()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = RandomGroups();

        BiasAuditResult result = BiasAudit.Run(x, groups, new BiasAuditOptions { FalseMatchRates = [] });

        result.Verification.Should().BeEmpty();
        result.Groups.Should().HaveCount(3);
        result.ToMarkdown().Should().NotContain("Verification");
    }

    [Fact]
    public void Threshold_rank_is_the_floor_of_rate_times_pairs_without_binary_rounding()
    {
        PairDistanceQuantiles.ThresholdRank(1e-3, 1_000_000).Should().Be(1000);
        PairDistanceQuantiles.ThresholdRank(1e-2, 4753).Should().Be(47);
        PairDistanceQuantiles.ThresholdRank(0.3, 10).Should().Be(3);
        PairDistanceQuantiles.ThresholdRank(1e-3, 999).Should().Be(0);
    }

    [Fact]
    public void Attributes_combine_into_intersection_labels()
    {
        string[] race = { "Black", "White", "Black" };
        string[] gender = { "female", "female", "male" };

        GroupLabels.Combine([race, gender]).Should().Equal("Black, female", "White, female", "Black, male");
        GroupLabels.Combine([race, gender], " × ").Should().Equal("Black × female", "White × female", "Black × male");
        GroupLabels.Combine([race]).Should().Equal(race);
        FluentActions.Invoking(() => GroupLabels.Combine([race, gender.Take(2).ToArray()]))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "attributes" && e.Message.Contains("attribute 1 has 2"));
        string[] withEmpty = { "a", "", "b" };
        FluentActions.Invoking(() => GroupLabels.Combine([race, withEmpty]))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "attributes" && e.Message.Contains("row 1"));
        FluentActions.Invoking(() => GroupLabels.Combine([]))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "attributes");
    }

    [Fact]
    public void Bad_input_is_rejected_with_the_argument_named()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = RandomGroups();

        Tensor withNaN = x.clone();
        withNaN[3, 2] = double.NaN;
        FluentActions.Invoking(() => BiasAudit.Run(withNaN, groups))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "embeddings" && e.Message.Contains("NaN"));
        Tensor withInfinity = x.clone();
        withInfinity[0, 0] = double.PositiveInfinity;
        FluentActions.Invoking(() => BiasAudit.Run(withInfinity, groups))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "embeddings");
        FluentActions.Invoking(() => BiasAudit.Run(x.narrow(0, 0, 1), groups.Take(1).ToArray()))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "embeddings");
        FluentActions.Invoking(() => BiasAudit.Run(x, groups.Take(39).ToArray()))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "groups" && e.Message.Contains("39"));
        FluentActions.Invoking(() => BiasAudit.Run(x, groups.Select((g, i) => i == 7 ? null! : g).ToArray()))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "groups" && e.Message.Contains("index 7"));
        FluentActions.Invoking(() => BiasAudit.Run(x, Enumerable.Range(0, 40).Select(i => $"alone {i}").ToArray()))
            .Should().Throw<AuditGroupsException>().Where(e => e.ParamName == "groups" && e.Message.Contains("No group has at least 2 people"));
        FluentActions.Invoking(() => BiasAudit.Run(x, groups, new BiasAuditOptions { Comparisons = [new GroupComparison("A", "Z")] }))
            .Should().Throw<AuditGroupsException>().Where(e => e.ParamName == "options" && e.Message.Contains("'Z'"));
        FluentActions.Invoking(() => BiasAudit.Run(x, groups, groups.Select((g, i) => i < 2 ? "same person" : $"p{i}").ToArray()))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "identities" && e.Message.Contains("'same person'"));
        foreach (double rate in new[] { 0.0, 1.0, -0.1, double.NaN })
        {
            FluentActions.Invoking(() => BiasAudit.Run(x, groups, new BiasAuditOptions { FalseMatchRates = [rate] }))
                .Should().Throw<ArgumentException>().Where(e => e.ParamName == "options");
        }
        FluentActions.Invoking(() => BiasAudit.Run(x, groups, new BiasAuditOptions { MaxChunkDistances = 0 }))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "options");
    }

    [Fact]
    public void A_group_too_small_is_flagged_with_its_count_and_the_rest_audited()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = RandomGroups();
        string[] withLonely = groups.Select((g, i) => i == 7 ? "lonely" : g).ToArray();

        BiasAuditResult result = BiasAudit.Run(x, withLonely, new BiasAuditOptions { Resamples = 50 });

        result.TooSmallGroups.Should().ContainSingle().Which.Should().Be(new TooSmallGroup { Group = "lonely", Count = 1, People = 1, MinimumPeople = 2 });
        result.Groups.Select(g => g.Group).Should().Equal("C", "B", "A");
        result.Verification.Should().OnlyContain(view => view.Groups.Count == 3);
        result.ToMarkdown().Should().Contain("Too small to audit (fewer than 2 people)").And.Contain("lonely (1 face, 1 person)");

        BiasAuditResult stricter = BiasAudit.Run(x, groups, new BiasAuditOptions { MinimumGroupSize = 9, Resamples = 0 });
        stricter.TooSmallGroups.Select(g => (g.Group, g.Count)).Should().Equal(("C", 8));
        stricter.Groups.Select(g => g.Group).Should().Equal("B", "A");
    }

    [Fact]
    public void A_cancelled_audit_stops()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = RandomGroups();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        FluentActions.Invoking(() => BiasAudit.Run(x, groups, cancellationToken: cancelled.Token)).Should().Throw<OperationCanceledException>();
    }
}
