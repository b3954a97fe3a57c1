using FaceEmbeddings.Runtime;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Audit;

/// <summary>
/// The audit's intervals and tests as statistics: coverage on data from a known distribution, uniform p-values under the
/// null, resampling by person against resampling by pair, hand-counted false non-matches and equal-error rates, seeds.
/// </summary>
public class AuditUncertaintyTests
{
    /// <summary>n people in two dimensions, x ~ N(0, I₂): the distance of two is Rayleigh with σ = √2.</summary>
    private static Tensor Gaussian(int n, long seed) => randn(new long[] { n, 2 }, ScalarType.Float64, generator: new Generator((ulong)seed));

    private static PersonPairSums SumsOf(Tensor x, IReadOnlyList<double> thresholds, IReadOnlyList<string>? identities = null)
    {
        string[] groups = Enumerable.Repeat("all", (int)x.shape[0]).ToArray();
        AuditPeople people = AuditPeople.Of(identities, GroupIndex.Of(groups, x.shape[0], "groups"), "identities");
        return PersonPairSums.Of(x, people, Enumerable.Range(0, people.Count).ToArray(), DistanceMetric.Euclidean, thresholds, keepDistances: false);
    }

    [Fact]
    public void Intervals_of_95_percent_cover_the_true_values_92_to_98_percent_of_the_time()
    {
        // True values for n = 40 people from N(0, I₂): E|X − Y| = σ√(π/2) = √π; P(|X − Y| < 1) = 1 − e^(−1/4);
        // E[WSS / n] = (n − 1)/n · tr Σ = 2 · 39/40: the figure is (n − 1)/(2n) × the mean squared distance of two faces,
        // whose expectation is 2 tr Σ, so its expectation at this group size is what its interval is for.
        // 800 repetitions: the binomial standard error of a coverage near 95 % is √(0.95 · 0.05 / 800) ≈ 0.0077, so
        // 0.92 and 0.98 lie four standard errors from the nominal 0.95. Measured with these seeds (bias-corrected,
        // accelerated, expanded intervals): mean distance 0.946, false-match rate 0.978, WSS per member 0.939, false
        // non-match rate 0.949. Plain percentile intervals measured 0.93, 0.96 and 0.92 for the first three: the WSS per
        // member's on the lower bound. The false-match rate's intervals are conservative (about 0.97 over other seeds):
        // resampling people also resamples, and inflates, the noise of single pairs in a rate of pairs.
        // False non-matches: n people of two faces each, a person at c ~ N(0, I₂) and each face at c + ε, ε ~ N(0, ¼ I₂):
        // the two faces are N(0, ½ I₂) apart, Rayleigh with σ² = ½, so P(d ≥ 1) = e^(−1).
        const int n = 40, repetitions = 800, resamples = 400;
        double meanDistance = Math.Sqrt(Math.PI), falseMatchRate = 1 - Math.Exp(-0.25), wssPerMember = 2.0 * (n - 1) / n;
        double falseNonMatchRate = Math.Exp(-1);
        string[] identities = Enumerable.Range(0, 2 * n).Select(i => $"p{i / 2}").ToArray();
        using Tensor faceNoise = tensor(0.5, ScalarType.Float64);
        int coveredMean = 0, coveredRate = 0, coveredWss = 0, coveredNonMatch = 0;
        var random = new Random(7);
        for (int rep = 0; rep < repetitions; rep++)
        {
            using var scope = NewDisposeScope();
            var group = AuditUncertainty.Group.Of(SumsOf(Gaussian(n, 1000 + rep), [1.0]), random, resamples, 0.95, CPU);
            if (group.MeanIntraGroupDistance!.Contains(meanDistance)) coveredMean++;
            if (group.RateInterval((s, b) => s.FalseMatches(b, 0), (s, b) => s.DifferentPersonPairs(b))!.Contains(falseMatchRate)) coveredRate++;
            if (group.WithinSumOfSquaresPerMember!.Contains(wssPerMember)) coveredWss++;

            Tensor faces = Gaussian(n, 50_000 + rep).repeat_interleave(2, 0).Plus(Gaussian(2 * n, 90_000 + rep).mul(faceNoise));
            var people = AuditUncertainty.Group.Of(SumsOf(faces, [1.0], identities), random, resamples, 0.95, CPU);
            if (people.RateInterval((s, b) => s.FalseNonMatches(b, 0), (s, b) => s.SamePersonPairs(b))!.Contains(falseNonMatchRate)) coveredNonMatch++;
        }
        ((double)coveredMean / repetitions).Should().BeInRange(0.92, 0.98, "the mean intra-group distance's coverage");
        ((double)coveredRate / repetitions).Should().BeInRange(0.92, 0.98, "the false-match rate's coverage");
        ((double)coveredWss / repetitions).Should().BeInRange(0.92, 0.98, "the WSS per member's coverage");
        ((double)coveredNonMatch / repetitions).Should().BeInRange(0.92, 0.98, "the false non-match rate's coverage");
    }

    [Fact]
    public void Resampling_people_gives_wider_intervals_than_resampling_pairs_as_if_independent()
    {
        // Every pair of a face shares it with n − 2 others: the pairs are not independent. Resampling the M pairs as if they
        // were (a binomial view of the false-match rate) understates the spread that resampling the n people shows.
        using var scope = NewDisposeScope();
        const int n = 60, resamples = 1000;
        Tensor x = Gaussian(n, 99);
        PersonPairSums sums = SumsOf(x, [1.0]);
        GroupFigureSamples s = sums.Figures(PercentileBootstrap.DrawWeights(new Random(3), resamples, n, CPU));
        ConfidenceInterval byPerson = PercentileBootstrap.Interval(s.Each(b => s.FalseMatches(b, 0) / s.DifferentPersonPairs(b)), 0.95, double.NaN)!;

        double[] distances = Distances.UpperTriangle(x, DistanceMetric.Euclidean, "x").data<double>().ToArray();
        bool[] matches = distances.Select(d => d < 1.0).ToArray();
        var random = new Random(3);
        double[] byPairReplicates = Enumerable.Range(0, resamples)
            .Select(_ => Enumerable.Range(0, matches.Length).Count(_ => matches[random.Next(matches.Length)]) / (double)matches.Length).ToArray();
        ConfidenceInterval byPair = PercentileBootstrap.Interval(byPairReplicates, 0.95, double.NaN)!;

        (byPerson.Upper!.Value - byPerson.Lower).Should().BeGreaterThan(2 * (byPair.Upper!.Value - byPair.Lower));
    }

    [Fact]
    public void Permutation_p_values_are_uniform_under_the_null_and_small_under_a_planted_difference()
    {
        const int repetitions = 200, perGroup = 20;
        string[] groups = Enumerable.Range(0, 2 * perGroup).Select(i => i % 2 == 0 ? "A" : "B").ToArray();
        var options = new BiasAuditOptions { FalseMatchRates = [], Resamples = 0, Permutations = 199, Comparisons = [new GroupComparison("A", "B")] };
        var pValues = new List<double>();
        for (int rep = 0; rep < repetitions; rep++)
        {
            using var scope = NewDisposeScope();
            BiasAuditResult result = BiasAudit.Run(Gaussian(2 * perGroup, 5000 + rep), groups, options with { Seed = rep });
            pValues.Add(result.Comparisons.Single(c => c.Figure == ComparedFigure.WithinSumOfSquaresPerMember).PValue);
        }
        // Kolmogorov–Smirnov distance to the uniform distribution, against its 1 % critical value 1.63/√n.
        double[] sorted = pValues.Order().ToArray();
        double ks = sorted.Select((p, i) => Math.Max((i + 1.0) / sorted.Length - p, p - (double)i / sorted.Length)).Max();
        ks.Should().BeLessThan(1.63 / Math.Sqrt(repetitions));

        using var planted = NewDisposeScope();
        Tensor x = Gaussian(2 * perGroup, 77);
        Tensor spread = tensor(groups.Select(g => g == "B" ? 1.6 : 1.0).ToArray(), ScalarType.Float64).unsqueeze(1);
        BiasAuditResult different = BiasAudit.Run(x.mul(spread), groups, options with { Permutations = 999, Resamples = 500 });
        GroupDifference wss = different.Comparisons.Single(c => c.Figure == ComparedFigure.WithinSumOfSquaresPerMember);
        wss.PValue.Should().BeLessThan(0.01);
        wss.Difference.Should().BeNegative("group B is spread 1.6 times wider");
        wss.DifferenceInterval!.Upper.Should().BeNegative();
        AuditText.DifferenceSentence(wss).Should().Contain("is significant at the 5 % level");
    }

    [Fact]
    public void Equal_error_rate_of_a_hand_counted_example()
    {
        // Same-person 0.2, 0.4; different-person 0.3, 0.5, 0.6, 0.7. At threshold 0.4 (pairs strictly below match):
        // FMR 1/4, FNMR 1/2; at 0.5: FMR 1/4, FNMR 0. The line between them crosses FMR = FNMR at 1/4.
        GroupDetCurve curve = DetCurves.Compute("g", [0.2, 0.4], [0.3, 0.5, 0.6, 0.7], maxPoints: 100);
        curve.EqualErrorRate.Should().BeApproximately(0.25, 1e-12);
        curve.Points.Select(p => (p.FalseMatchRate, p.FalseNonMatchRate)).Should().Equal(
            (0, 1), (0, 0.5), (0.25, 0.5), (0.25, 0), (0.5, 0), (0.75, 0), (1, 0));
        // Interleaved one by one: 0.1 same, 0.2 different, 0.3 same, 0.4 different: at 0.3 FMR 1/2, FNMR 1/2.
        DetCurves.Compute("h", [0.1, 0.3], [0.2, 0.4], maxPoints: 100).EqualErrorRate.Should().BeApproximately(0.5, 1e-12);
    }

    [Fact]
    public void False_non_matches_and_false_matches_with_identities_are_hand_counted()
    {
        using var scope = NewDisposeScope();
        // One dimension. Group A: a1 at 0, 0.1; a2 at 1.0, 1.5. Group B: b1 at 5.0, 5.3; b2 at 9.0, 9.05; b3 at 20, 21.5.
        double[] values = [0, 0.1, 1.0, 1.5, 5.0, 5.3, 9.0, 9.05, 20, 21.5];
        string[] identities = ["a1", "a1", "a2", "a2", "b1", "b1", "b2", "b2", "b3", "b3"];
        string[] groups = identities.Select(id => id[..1].ToUpperInvariant()).ToArray();
        Tensor x = tensor(values, ScalarType.Float64).unsqueeze(1);

        BiasAuditResult result = BiasAudit.Run(x, groups, identities, new BiasAuditOptions { FalseMatchRates = [0.05], Resamples = 200 });

        // 45 pairs, 5 of one person: 40 different-person pairs. ⌊0.05·40⌋ = 2: the threshold is the third smallest
        // different-person distance: 0.9, 1.0, 1.4 → 1.4.
        result.DifferentPersonPairs.Should().Be(40);
        result.SamePersonPairs.Should().Be(5);
        result.People.Should().Be(5);
        VerificationAtFalseMatchRate view = result.Verification.Single();
        view.Threshold.Should().BeApproximately(1.4, 1e-12);
        GroupFalseMatchRate a = view.Groups.Single(g => g.Group == "A"), b = view.Groups.Single(g => g.Group == "B");
        (a.Pairs, a.FalseMatches, a.SamePersonPairs, a.FalseNonMatches).Should().Be((4L, 2L, 2L, (long?)0));   // 0.9, 1.0 < 1.4; same 0.1, 0.5
        (b.Pairs, b.FalseMatches, b.SamePersonPairs, b.FalseNonMatches).Should().Be((12L, 0L, 3L, (long?)1));  // same 0.3, 0.05, 1.5 ≥ 1.4
        b.FalseNonMatchRate.Should().BeApproximately(1.0 / 3, 1e-12);
        b.FalseMatchRateInterval!.Kind.Should().Be(IntervalKind.Degenerate, "no false match in B: nothing to resample");
        a.FalseNonMatchRateInterval!.Kind.Should().Be(IntervalKind.Degenerate);
        result.Groups.Select(g => (g.Group, g.Count, g.People)).Should().Equal(("A", 4, 2), ("B", 6, 3));
        // Both groups separate their people perfectly: equal-error rate 0.
        result.DetCurves.Select(c => (c.Group, c.EqualErrorRate)).Should().Equal(("A", 0.0), ("B", 0.0));
        view.FalseMatchSpread!.ZeroRateGroups.Should().Equal("B");
        view.FalseMatchSpread.MaxToMin.Should().BeApproximately(0.5 / (0.5 / 12), 1e-9, "B's zero counts as half a false match in 12 pairs");
        result.ToMarkdown().Should().Contain("| A | 4 | 2 |").And.Contain("Equal-error rate");
    }

    [Fact]
    public void Intervals_and_p_values_reproduce_from_the_seed_and_change_with_it()
    {
        using var scope = NewDisposeScope();
        Tensor x = Gaussian(60, 11);
        string[] groups = Enumerable.Range(0, 60).Select(i => i % 3 == 0 ? "A" : "B").ToArray();
        var options = new BiasAuditOptions { FalseMatchRates = [0.05], Resamples = 200, Permutations = 199, Comparisons = [new GroupComparison("A", "B")] };

        string first = BiasAudit.Run(x, groups, options).ToJson();
        string again = BiasAudit.Run(x.clone(), groups, options).ToJson();
        string other = BiasAudit.Run(x, groups, options with { Seed = options.Seed + 1 }).ToJson();

        again.Should().Be(first);
        other.Should().NotBe(first);
        BiasAuditResult.FromJson(first).Groups[0].WithinSumOfSquaresPerMemberInterval!.Kind.Should().Be(IntervalKind.BiasCorrectedAccelerated);
    }

    [Fact]
    public void Weighted_sums_at_weights_of_one_equal_the_groups_own_figures()
    {
        using var scope = NewDisposeScope();
        Tensor x = Gaussian(30, 5);
        GroupFigureSamples point = SumsOf(x, [1.5]).Figures(ones(1, 30, ScalarType.Float64));
        using ClusterSummary summary = Clusters.Summarize(x, Enumerable.Repeat("all", 30).ToArray());
        point.WithinSumOfSquaresPerMember(0).Should().BeApproximately(summary.Groups[0].WithinSumOfSquaresPerMember, 1e-10);
        point.MeanIntraGroupDistance(0).Should().BeApproximately(summary.Groups[0].MeanPairwiseDistance!.Value, 1e-10);
        double[] distances = Distances.UpperTriangle(x, DistanceMetric.Euclidean, "x").data<double>().ToArray();
        point.DifferentPersonPairs(0).Should().Be(distances.Length);
        point.FalseMatches(0, 0).Should().Be(distances.Count(d => d < 1.5));
    }

    [Fact]
    public void Leaving_each_person_out_equals_weighting_them_zero()
    {
        using var scope = NewDisposeScope();
        // Three people of 1, 2 and 3 faces, and two without identities: both kinds of sums.
        Tensor x = Gaussian(8, 17);
        string[] identities = ["a", "b", "b", "c", "c", "c", "d", "e"];
        PersonPairSums sums = SumsOf(x, [1.0, 2.0], identities);
        GroupFigureSamples left = sums.LeaveOneOut();
        GroupFigureSamples weighted = sums.Figures(ones(5, 5, ScalarType.Float64).sub(eye(5, dtype: ScalarType.Float64)));
        left.Count.Should().Be(5);
        for (int i = 0; i < 5; i++)
        {
            left.WithinSumOfSquaresPerMember(i).Should().BeApproximately(weighted.WithinSumOfSquaresPerMember(i), 1e-12);
            left.MeanIntraGroupDistance(i).Should().BeApproximately(weighted.MeanIntraGroupDistance(i), 1e-12);
            left.DifferentPersonPairs(i).Should().Be(weighted.DifferentPersonPairs(i));
            left.SamePersonPairs(i).Should().Be(weighted.SamePersonPairs(i));
            for (int k = 0; k < 2; k++)
            {
                left.FalseMatches(i, k).Should().Be(weighted.FalseMatches(i, k));
                left.FalseNonMatches(i, k).Should().Be(weighted.FalseNonMatches(i, k));
            }
        }
        left.SamePersonPairs(2).Should().Be(1, "without c only b's pair of faces is left");
    }

    [Fact]
    public void Bias_corrected_interval_is_the_percentile_one_without_bias_or_skew_and_follows_a_median_bias()
    {
        // Replicates 1 … 1001; a point estimate at their median and equal leave-one-out figures: z₀ = 0, a = 0, and with a
        // million people the expansion vanishes, so the bounds are the plain 2.5 % and 97.5 % quantiles.
        double[] replicates = Enumerable.Range(1, 1001).Select(i => (double)i).ToArray();
        double[] flat = Enumerable.Repeat(1.0, 10).ToArray();
        ConfidenceInterval plain = PercentileBootstrap.Interval(replicates, 0.95, 501)!;
        ConfidenceInterval corrected = PercentileBootstrap.BiasCorrectedInterval(replicates, 501, flat, 1_000_000, 0.95)!;
        corrected.Kind.Should().Be(IntervalKind.BiasCorrectedAccelerated);
        corrected.Lower.Should().BeApproximately(plain.Lower, 0.01);
        corrected.Upper!.Value.Should().BeApproximately(plain.Upper!.Value, 0.01);

        // A point estimate above 842 of the 1,001 replicates: z₀ = Φ⁻¹(842/1001) = 0.99923, so the levels move to
        // Φ(2z₀ ∓ 1.96) = 0.51536 and 0.99996 (Python's statistics.NormalDist): replicates 516.36 and 1000.96.
        ConfidenceInterval shifted = PercentileBootstrap.BiasCorrectedInterval(replicates, 842.5, flat, 1_000_000, 0.95)!;
        shifted.Lower.Should().BeApproximately(516.36, 0.05);
        shifted.Upper!.Value.Should().BeApproximately(1000.96, 0.05);

        // Few people widen it: at 10 people the tail is √(10/9)·t₉ = 2.3845 instead of 1.96, the level Φ(−2.3845) = 0.00855.
        ConfidenceInterval small = PercentileBootstrap.BiasCorrectedInterval(replicates, 501, flat, 10, 0.95)!;
        small.Lower.Should().BeApproximately(9.55, 0.05);
    }

    [Fact]
    public void Repeated_audits_with_intervals_comparisons_and_identities_do_not_grow_the_live_tensor_count()
    {
        // Every statistic of the audit's uncertainty: person resamples and leave-one-out figures (PersonPairSums), bias-corrected
        // and percentile intervals, the bootstrap test, identity-aware false non-matches and DET curves; and, without
        // resamples, the permutation test.
        using Tensor x = Gaussian(48, 21);
        string[] identities = Enumerable.Range(0, 48).Select(i => $"p{i / 2}").ToArray();
        string[] groups = Enumerable.Range(0, 48).Select(i => i / 2 % 3 == 0 ? "A" : "B").ToArray();
        var options = new BiasAuditOptions
        {
            FalseMatchRates = [0.05, 0.2], Resamples = 100, Permutations = 99, Comparisons = [new GroupComparison("A", "B")],
        };
        BiasAuditResult first = BiasAudit.Run(x, groups, identities, options);
        first.DetCurves.Should().HaveCount(2, "both groups have same- and different-person pairs");
        first.Comparisons.Should().NotBeEmpty();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (int i = 0; i < 3; i++)
            BiasAudit.Run(x, groups, identities, options with { Seed = i, Resamples = i == 2 ? 0 : 100 }).ToJson();

        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }
}
