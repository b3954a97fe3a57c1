using FaceEmbeddings.Evaluation;

namespace FaceEmbeddings.Tests.Evaluation;

public class PairFiguresTests
{
    // Four pairs by distance: same 0.1, different 0.2, same 0.3, different 0.4.
    private static readonly PairFigures Figures = new([0.1, 0.2, 0.3, 0.4], [true, false, true, false]);
    private static readonly double[] Unit = [1, 1, 1, 1];

    [Fact]
    public void Figures_of_four_pairs_match_a_hand_count()
    {
        // At 0.25: 0.1 same matched (right), 0.2 different matched (wrong), 0.3 same not matched (wrong), 0.4 right.
        Figures.AccuracyAt(0.25, Unit).Should().Be(0.5);
        // Below 0.15 only 0.1 matches: three of four right; no threshold does better, and the first that does as well wins.
        var (accuracy, threshold) = Figures.BestAccuracy(Unit);
        accuracy.Should().Be(0.75);
        threshold.Should().BeApproximately(0.15, 1e-12);
        // Same-person closer than different-person in 3 of the 4 (same, different) combinations.
        Figures.AreaUnderRoc(Unit).Should().Be(0.75);
        // FAR 0.5 of 2 different pairs allows 1 below: threshold the 2nd smallest, 0.4; both same pairs lie below it.
        Figures.TrueMatchRateAt(0.5, Unit).Should().Be((1.0, 0.4));
        // FAR 0.1 allows none below: threshold 0.2, under which one of the two same pairs lies.
        Figures.TrueMatchRateAt(0.1, Unit).Should().Be((0.5, 0.2));
        // DET: at 0.2 FMR 0 FNMR 0.5; at 0.3 FMR 0.5 FNMR 0.5: they meet at 0.5.
        Figures.EqualErrorRate(Unit).Should().Be(0.5);
    }

    [Fact]
    public void Weights_count_pairs_as_often_as_a_resample_draws_them()
    {
        double[] weights = [2, 1, 0, 1];
        // Unrolled: same 0.1, same 0.1, different 0.2, different 0.4: any threshold in (0.1, 0.2] decides all four rightly.
        new PairFigures([0.1, 0.1, 0.2, 0.4], [true, true, false, false]).BestAccuracy(Unit).Accuracy.Should().Be(1);
        Figures.BestAccuracy(weights).Accuracy.Should().Be(1);
        Figures.AreaUnderRoc(weights).Should().Be(1);
        Figures.AccuracyAt(0.25, weights).Should().Be(0.75);
    }
}
