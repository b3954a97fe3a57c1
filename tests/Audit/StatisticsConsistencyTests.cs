using FaceEmbeddings.Attributes;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Metrics;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Audit;

/// <summary>
/// A test and its interval that agree: a comparison of two groups is significant at a level exactly when its interval at
/// the matching confidence level leaves zero out, the significance level is the one written (0.05, not 1 − 0.95 in binary
/// floating point), and the attribute audit's gap sentence says so where its global test and pairwise interval disagree.
/// </summary>
public class StatisticsConsistencyTests
{
    private static readonly string[] SmallAndLarge = Enumerable.Range(0, 56).Select(i => i < 17 ? "A" : "B").ToArray();

    /// <summary>17 faces of group A spread <paramref name="spread"/> times wider than the 39 of group B, from a 2-D normal.</summary>
    private static Tensor SmallWideAndLarge(double spread, ulong seed)
    {
        Tensor x = randn(new long[] { 56, 2 }, ScalarType.Float64, generator: new Generator(seed));
        return x.mul(tensor(SmallAndLarge.Select(g => g == "A" ? spread : 1.0).ToArray(), ScalarType.Float64).unsqueeze(1));
    }

    private static readonly BiasAuditOptions Compared = new() { FalseMatchRates = [], Permutations = 1999, Comparisons = [new GroupComparison("A", "B")] };

    [Fact]
    public void Seventeen_against_thirty_nine_faces_is_significant_only_with_an_interval_that_leaves_zero_out()
    {
        // With these data a permutation p-value of 0.0105 (WSS per member) and 0.0195 (mean distance) once stood beside
        // percentile intervals [−0.070, 6.35] and [−0.018, 1.96] of the same differences.
        using var scope = NewDisposeScope();
        BiasAuditResult result = BiasAudit.Run(SmallWideAndLarge(1.45, 27), SmallAndLarge, Compared);

        result.Comparisons.Should().HaveCount(2);
        foreach (GroupDifference difference in result.Comparisons)
        {
            ConfidenceInterval interval = difference.DifferenceInterval!;
            difference.Test.Should().Be(DifferenceTest.Bootstrap);
            difference.Significant.Should().Be(!interval.Contains(0), $"{difference.Figure}: p = {difference.PValue}, [{interval.Lower}, {interval.Upper}]");
            AuditText.DifferenceSentence(difference).Should().Contain(difference.Significant ? "is significant at the 5 % level" : "no significant difference at the 5 % level")
                .And.Contain("95 % CI").And.Contain("bootstrap test");
        }
    }

    [Fact]
    public void Over_many_samples_and_levels_the_p_value_and_the_interval_never_disagree()
    {
        foreach (double confidence in new[] { 0.95, 0.9 })
            for (ulong seed = 0; seed < 12; seed++)
            {
                using var scope = NewDisposeScope();
                BiasAuditResult result = BiasAudit.Run(SmallWideAndLarge(1.2 + 0.05 * seed, seed), SmallAndLarge,
                    Compared with { Resamples = 400, ConfidenceLevel = confidence });
                foreach (GroupDifference difference in result.Comparisons)
                {
                    difference.SignificanceLevel.Should().Be(confidence == 0.95 ? 0.05 : 0.1);
                    difference.Significant.Should().Be(!difference.DifferenceInterval!.Contains(0), $"seed {seed}, {difference.Figure}, p = {difference.PValue}");
                    difference.PValue.Should().BeInRange(1.0 / 401, 1);
                }
            }
    }

    [Fact]
    public void Bootstrap_p_values_are_uniform_when_both_groups_come_from_one_distribution()
    {
        // 17 and 39 faces from one 2-D normal, 300 times: the p-values' Kolmogorov–Smirnov distance to the uniform stays under
        // its 1 % critical value 1.63/√300, and the test rejects at 5 % about as often as it should (binomial standard error
        // 0.013 at 300 samples; 0.09 is over three of them above 0.05).
        const int repetitions = 300;
        var pValues = new[] { new List<double>(), new List<double>() };
        for (int rep = 0; rep < repetitions; rep++)
        {
            using var scope = NewDisposeScope();
            Tensor x = randn(new long[] { 56, 2 }, ScalarType.Float64, generator: new Generator((ulong)(3000 + rep)));
            BiasAuditResult result = BiasAudit.Run(x, SmallAndLarge, Compared with { Resamples = 400, Seed = rep });
            for (int f = 0; f < 2; f++) pValues[f].Add(result.Comparisons[f].PValue);
        }
        foreach (List<double> figure in pValues)
        {
            double[] sorted = figure.Order().ToArray();
            double ks = sorted.Select((p, i) => Math.Max((i + 1.0) / sorted.Length - p, p - (double)i / sorted.Length)).Max();
            ks.Should().BeLessThan(1.63 / Math.Sqrt(repetitions));
            ((double)sorted.Count(p => p < 0.05) / repetitions).Should().BeLessThan(0.09);
        }
    }

    [Fact]
    public void The_bootstrap_p_value_is_the_normal_tail_area_for_normal_replicates()
    {
        // Replicates at the normal quantiles around 2 with spread 1, no bias or skew, a million people (no expansion): the
        // intervals are 2 ± z σ, and the smallest α whose interval leaves 0 out is 2 Φ(−2) = 0.0455.
        double[] replicates = Enumerable.Range(0, 20_000).Select(i => 2 + MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, (i + 0.5) / 20_000)).ToArray();
        BiasCorrectedReplicates corrected = BiasCorrectedReplicates.Of(replicates, 2, [Enumerable.Repeat(1.0, 10)], 1_000_000)!;
        corrected.PValue(0.95, 0.05).Should().BeApproximately(0.0455, 0.0005);
        corrected.Interval(0.95).Contains(0).Should().BeFalse();
        corrected.PValue(0.99, 0.01).Should().BeApproximately(0.0455, 0.0005);
        corrected.Interval(0.99).Contains(0).Should().BeTrue();
    }

    [Fact]
    public void Without_resamples_a_comparison_falls_back_to_the_permutation_test_and_has_no_interval()
    {
        using var scope = NewDisposeScope();
        BiasAuditResult result = BiasAudit.Run(SmallWideAndLarge(1.45, 27), SmallAndLarge, Compared with { Resamples = 0 });
        result.Comparisons.Should().OnlyContain(d => d.Test == DifferenceTest.Permutation && d.DifferenceInterval == null && d.Permutations == 1999);
        AuditText.DifferenceSentence(result.Comparisons[0]).Should().Contain("permutation test").And.Contain("1,999 permutations").And.NotContain("CI");
    }

    [Fact]
    public void The_significance_level_is_written_as_given()
    {
        using var scope = NewDisposeScope();
        BiasAuditResult audit = BiasAudit.Run(SmallWideAndLarge(1.45, 27), SmallAndLarge, Compared with { Resamples = 100 });
        string json = audit.ToJson();
        json.Should().MatchRegex("\"significanceLevel\": 0\\.05\\s").And.NotContain("0.050000000000000044");
        BiasAuditResult.FromJson(json).Comparisons.Should().OnlyContain(d => d.SignificanceLevel == 0.05 && d.Test == DifferenceTest.Bootstrap);

        var labels = Enumerable.Range(0, 40).Select(i => new AttributeLabels(30, i % 2 == 0 ? ApparentGender.Male : ApparentGender.Female)).ToArray();
        var predictions = labels.Select((l, i) => new FaceAttributes(30 + i % 7, i % 5 == 0 ? ApparentGender.Female : l.Gender, 0.9f, 0.5f,
            new FaceExpressions([1f, 0, 0, 0, 0, 0, 0]))).ToArray();
        AttributeAuditResult attributes = AttributeAudit.Run(predictions, labels, labels.Select((_, i) => i < 20 ? "A" : "B").ToArray(),
            options: new AttributeAuditOptions { Resamples = 100, Permutations = 99, ConfidenceLevel = 0.999 });
        attributes.GenderErrorGap!.SignificanceLevel.Should().Be(0.001);
        attributes.ToJson().Should().MatchRegex("\"significanceLevel\": 0\\.001\\s");
        AttributeAuditText.GapSentence(attributes.GenderErrorGap).Should().Contain("at the 0.1 % level");
    }

    private static AttributeGap Gap(double pValue, double lower, double upper) => new()
    {
        Figure = AttributeFigure.GenderErrorRate, HighestGroup = "Black, female", LowestGroup = "Indian, female", HighestValue = 0.2353,
        LowestValue = 0.0513, Gap = 0.184, GapInterval = new ConfidenceInterval { Lower = lower, Upper = upper, Kind = IntervalKind.Percentile },
        PValue = pValue, Permutations = 9999, SignificanceLevel = 0.05,
    };

    [Fact]
    public void A_gap_sentence_explains_a_global_test_that_disagrees_with_the_pairwise_interval()
    {
        string significantWithZero = AttributeAuditText.GapSentence(Gap(0.0137, -0.0099, 0.3793));
        significantWithZero.Should().Contain("significant at the 5 % level (permutation test of the largest gap over all groups, p = 0.0137")
            .And.Contain("The 95 % interval, of these two groups' difference alone").And.Contain("holds 0");

        string notSignificantWithoutZero = AttributeAuditText.GapSentence(Gap(0.2, 0.02, 0.3793));
        notSignificantWithoutZero.Should().Contain("not significant at the 5 % level").And.Contain("leaves out 0")
            .And.Contain("picked as the extremes");

        AttributeAuditText.GapSentence(Gap(0.0137, 0.02, 0.3793)).Should().NotContain("interval, of these two groups");
        AttributeAuditText.GapSentence(Gap(0.2, -0.0099, 0.3793)).Should().NotContain("interval, of these two groups");
    }
}
