namespace FaceEmbeddings.Recognition;

/// <summary>
/// A threshold chosen by <see cref="ThresholdCalibration.ForFalseMatchRate"/>, with what it achieves on the
/// calibration set: the false-match rate over different-person pairs and the true-match rate over same-person pairs.
/// </summary>
public sealed record CalibratedThreshold
{
    /// <summary>The threshold, ready for a <see cref="FaceVerifier"/> or a gallery search (<see cref="GallerySearchOptions.Threshold"/>).</summary>
    public required VerificationThreshold Threshold { get; init; }

    /// <summary>The false-match rate asked for.</summary>
    public required double TargetFalseMatchRate { get; init; }

    /// <summary>Pairs of faces of different identities in the calibration set.</summary>
    public required long DifferentPersonPairs { get; init; }

    /// <summary>How many of them lie strictly below the threshold (at most target × pairs).</summary>
    public required long FalseMatches { get; init; }

    /// <summary><see cref="FalseMatches"/> / <see cref="DifferentPersonPairs"/>: at most the target.</summary>
    public required double FalseMatchRate { get; init; }

    /// <summary>Pairs of faces of one identity in the calibration set (0 when every identity has one face).</summary>
    public required long SamePersonPairs { get; init; }

    /// <summary>How many of them lie strictly below the threshold.</summary>
    public required long TrueMatches { get; init; }

    /// <summary><see cref="TrueMatches"/> / <see cref="SamePersonPairs"/>; null when there is no same-person pair.</summary>
    public double? TrueMatchRate => SamePersonPairs == 0 ? null : (double)TrueMatches / SamePersonPairs;
}
