namespace FaceEmbeddings.Audit;

/// <summary>What <see cref="VerificationAtFalseMatchRate.WorstToBestRatio"/> holds.</summary>
public enum WorstToBestRatioKind
{
    /// <summary>Every group has false matches: the ratio is a number ≥ 1.</summary>
    Finite,

    /// <summary>The best group has no false match but another group has: the ratio is infinite.</summary>
    Infinite,

    /// <summary>No group has a false match: the ratio is 0/0.</summary>
    Undefined,
}
