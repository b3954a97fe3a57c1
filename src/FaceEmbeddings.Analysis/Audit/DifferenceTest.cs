namespace FaceEmbeddings.Audit;

/// <summary>Where the p-value of a <see cref="GroupDifference"/> comes from.</summary>
public enum DifferenceTest
{
    /// <summary>
    /// A permutation test over the two groups' people, used without bootstrap resamples (and so without an interval):
    /// p = (1 + relabellings with a difference at least as large in size) / (1 + relabellings).
    /// </summary>
    Permutation,

    /// <summary>
    /// The smallest α at which the bias-corrected and accelerated bootstrap interval of the difference at 1 − α leaves zero out:
    /// read from the same resamples as the reported interval, so that the difference is significant at a level exactly when its
    /// interval at the matching confidence level leaves zero out.
    /// </summary>
    Bootstrap,
}
