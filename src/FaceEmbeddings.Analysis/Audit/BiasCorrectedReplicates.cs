using MathNet.Numerics.Distributions;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>
/// The bootstrap replicates of one figure with the corrections of a bias-corrected and accelerated (BCa, Efron 1987) percentile
/// interval, read at levels expanded for small samples as Hesterberg (2015) does; the figure may be of one group or a
/// difference of two groups resampled on their own. Gives the interval at a level and the two-sided p-value of "the figure is
/// zero" that inverts those same intervals, so that a test and its interval cannot disagree.
/// </summary>
/// <remarks>
/// z₀ = Φ⁻¹(share of replicates below the point estimate, ties half); the acceleration a = Σ d³ / (6 (Σ d²)^{3/2}) over the
/// jackknife deviations d = mean − figure without person i, each sample's deviations taken from its own mean (the
/// multi-sample jackknife of Efron &amp; Tibshirani 1993, §14.3); each tail z is read at Φ(z₀ + (z₀ + z)/(1 − a(z₀ + z))).
/// The expansion replaces the normal tail quantile z by √(n/(n − 1)) t_{n − 1} for n people: the bootstrap's spread of
/// a figure of n people is too narrow by about √((n − 1)/n). For a difference n is the smaller group's, the conservative end
/// for both the narrowness of the sum of two spreads and Welch's degrees of freedom.
/// </remarks>
internal sealed class BiasCorrectedReplicates
{
    private readonly double[] sorted;
    private readonly double z0;
    private readonly double acceleration;
    private readonly int people;

    private BiasCorrectedReplicates(double[] sorted, double z0, double acceleration, int people)
    {
        this.sorted = sorted;
        this.z0 = z0;
        this.acceleration = acceleration;
        this.people = people;
    }

    /// <summary>The corrections of <paramref name="replicates"/>; null when no replicate is a number.</summary>
    /// <param name="replicates">The figure on each resample; NaN (a figure the resample cannot form) is left out.</param>
    /// <param name="pointEstimate">The figure on the sample itself.</param>
    /// <param name="leaveOneOut">Per resampled sample (one group, or each of two), the figure with each of its people left out
    /// in turn; values that are not finite are left out.</param>
    /// <param name="people">The people the expansion is for, n ≥ 2: the group's, or the smaller group's for a difference.</param>
    public static BiasCorrectedReplicates? Of(IEnumerable<double> replicates, double pointEstimate,
        IEnumerable<IEnumerable<double>> leaveOneOut, int people)
    {
        double[] sorted = replicates.Where(value => !double.IsNaN(value)).Order().ToArray();
        if (sorted.Length == 0) return null;
        // A point estimate beyond every replicate would make z₀ infinite: hold the share half a replicate from 0 and 1.
        double below = sorted.Count(value => value < pointEstimate) + 0.5 * sorted.Count(value => value == pointEstimate);
        double z0 = Normal.InvCDF(0, 1, Math.Clamp(below / sorted.Length, 0.5 / sorted.Length, 1 - 0.5 / sorted.Length));
        return new BiasCorrectedReplicates(sorted, z0, Acceleration(leaveOneOut.Select(sample => sample.Where(double.IsFinite).ToArray())), people);
    }

    /// <summary>The interval at <paramref name="level"/>, in (0, 1).</summary>
    public ConfidenceInterval Interval(double level) => IntervalOutside(1 - level);

    /// <summary>
    /// The two-sided p-value of "the figure is zero": the smallest α at which the interval at 1 − α leaves zero out, no
    /// smaller than 1 / (replicates + 1), as far as so many replicates can tell. It lies below <paramref name="significanceLevel"/>
    /// exactly when <see cref="Interval"/>(<paramref name="confidenceLevel"/>) leaves zero out, to the last bit.
    /// </summary>
    /// <param name="confidenceLevel">The level of the interval reported beside the p-value.</param>
    /// <param name="significanceLevel">The level the test is read at: 1 − <paramref name="confidenceLevel"/> as written.</param>
    public double PValue(double confidenceLevel, double significanceLevel)
    {
        // The interval widens as α falls, so zero is left out for every α above one boundary: find it by bisection.
        double low = 1.0 / (sorted.Length + 1), high = 1;
        double p;
        if (ExcludesZero(low)) p = low;
        else if (!ExcludesZero(high)) p = 1;
        else
        {
            for (int step = 0; step < 60; step++)
            {
                double middle = (low + high) / 2;
                if (ExcludesZero(middle)) high = middle;
                else low = middle;
            }
            p = high;
        }
        // The bisection knows the boundary to its last step: put p on the side of the level that the reported interval is on.
        bool significant = !Interval(confidenceLevel).Contains(0);
        if (significant && p >= significanceLevel) return Math.BitDecrement(significanceLevel);
        if (!significant && p < significanceLevel) return significanceLevel;
        return p;
    }

    private bool ExcludesZero(double alpha) => !IntervalOutside(alpha).Contains(0);

    /// <summary>The interval that leaves out α of the distribution, half in each tail.</summary>
    private ConfidenceInterval IntervalOutside(double alpha)
    {
        double tail = Math.Abs(Math.Sqrt(people / (people - 1.0)) * StudentT.InvCDF(0, 1, people - 1, alpha / 2));
        return new ConfidenceInterval
        {
            Lower = PercentileBootstrap.Quantile(sorted, Adjusted(-tail)),
            Upper = PercentileBootstrap.Quantile(sorted, Adjusted(tail)),
            Kind = IntervalKind.BiasCorrectedAccelerated,
        };
    }

    private double Adjusted(double z)
    {
        double shifted = z0 + z, denominator = 1 - acceleration * shifted;
        // A denominator at or below zero (extreme acceleration) sends the level to the end it leans towards.
        return denominator <= 0 ? (shifted > 0 ? 1 : 0) : Normal.CDF(0, 1, z0 + shifted / denominator);
    }

    /// <summary>Σ d³ / (6 (Σ d²)^{3/2}), d = each sample's mean − each of its values; 0 when they are all equal.</summary>
    private static double Acceleration(IEnumerable<double[]> samples)
    {
        double squares = 0, cubes = 0;
        foreach (double[] values in samples.Where(values => values.Length >= 2))
        {
            double mean = values.Average();
            foreach (double value in values)
            {
                double d = mean - value;
                squares += d * d;
                cubes += d * d * d;
            }
        }
        return squares == 0 ? 0 : cubes / (6 * Math.Pow(squares, 1.5));
    }
}
