using FaceEmbeddings.Evaluation;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Evaluation;

public class VerificationEvaluationTests
{
    /// <summary>Eight people of five faces each, around random centres, in 16 dimensions.</summary>
    private static (Tensor Embeddings, string[] People) Clusters(double spread)
    {
        var random = new Random(3);
        var values = new float[40 * 16];
        var people = new string[40];
        for (int person = 0; person < 8; person++)
        {
            float[] centre = Enumerable.Range(0, 16).Select(_ => (float)random.NextDouble()).ToArray();
            for (int face = 0; face < 5; face++)
            {
                int row = person * 5 + face;
                people[row] = $"p{person}";
                for (int d = 0; d < 16; d++)
                    values[row * 16 + d] = centre[d] + (float)((random.NextDouble() - 0.5) * spread);
            }
        }
        return (tensor(values, new long[] { 40, 16 }), people);
    }

    [Fact]
    public void The_true_match_rate_at_a_false_match_rate_agrees_with_threshold_calibration()
    {
        using var scope = NewDisposeScope();
        (Tensor embeddings, string[] people) = Clusters(spread: 1.2);

        VerificationEvaluationResult result = VerificationEvaluation.Evaluate(embeddings, people, null,
            new VerificationEvaluationOptions { FalseMatchRates = [0.05, 0.01], BootstrapResamples = 50 });

        foreach (TrueMatchRateAtFalseMatchRate at in result.AtFalseMatchRates)
        {
            CalibratedThreshold calibrated = ThresholdCalibration.ForFalseMatchRate(embeddings, people, at.FalseMatchRate);
            at.Threshold.Should().BeApproximately(calibrated.Threshold.Distance, 1e-5);
            at.TrueMatchRate.Value.Should().Be((double)calibrated.TrueMatches / calibrated.SamePersonPairs);
        }
        result.SamePersonPairs.Should().Be(8 * 10);
        result.DifferentPersonPairs.Should().Be(40 * 39 / 2 - 80);
        result.Sampled.Should().BeFalse();
    }

    [Fact]
    public void Well_separated_people_are_told_apart_and_overlapping_ones_are_not()
    {
        using var scope = NewDisposeScope();
        var threshold = new VerificationThreshold(0.5, DistanceMetric.Euclidean, "test");
        (Tensor tight, string[] people) = Clusters(spread: 0.05);
        (Tensor loose, _) = Clusters(spread: 3);

        VerificationEvaluationResult separated = VerificationEvaluation.Evaluate(tight, people, threshold);
        VerificationEvaluationResult mixed = VerificationEvaluation.Evaluate(loose, people, threshold);

        separated.AreaUnderRoc.Value.Should().Be(1);
        separated.EqualErrorRate.Value.Should().Be(0);
        separated.BestAccuracy.Value.Should().Be(1);
        mixed.AreaUnderRoc.Value.Should().BeLessThan(0.8);
        mixed.AreaUnderRoc.Interval!.Contains(mixed.AreaUnderRoc.Value).Should().BeTrue();
        mixed.EqualErrorRate.Value.Should().BeGreaterThan(0.2);
    }

    [Fact]
    public void Many_faces_are_evaluated_on_a_seeded_sample_of_pairs_and_the_same_seed_gives_the_same_figures()
    {
        using var scope = NewDisposeScope();
        (Tensor embeddings, string[] people) = Clusters(spread: 1);
        var options = new VerificationEvaluationOptions { MaxPairs = 300, BootstrapResamples = 20, Seed = 5 };

        VerificationEvaluationResult first = VerificationEvaluation.Evaluate(embeddings, people, null, options);
        VerificationEvaluationResult again = VerificationEvaluation.Evaluate(embeddings, people, null, options);

        first.Sampled.Should().BeTrue();
        (first.SamePersonPairs + first.DifferentPersonPairs).Should().Be(300);
        again.ToJson().Should().Be(first.ToJson());
    }

    [Fact]
    public void Inputs_without_both_kinds_of_pairs_are_refused()
    {
        using var scope = NewDisposeScope();
        (Tensor embeddings, string[] people) = Clusters(spread: 1);
        string[] onePerson = people.Select(_ => "same").ToArray();
        FluentActions.Invoking(() => VerificationEvaluation.Evaluate(embeddings, onePerson, null)).Should().Throw<ArgumentException>().WithMessage("*same-person and different-person*");
        FluentActions.Invoking(() => VerificationEvaluation.Evaluate(embeddings, people, [new LabelledPair(0, 0, true)], null)).Should().Throw<ArgumentException>().WithParameterName("pairs");
        FluentActions.Invoking(() => VerificationEvaluation.Evaluate(embeddings, people, [new LabelledPair(0, 99, true)], null)).Should().Throw<ArgumentException>().WithParameterName("pairs");
    }
}
