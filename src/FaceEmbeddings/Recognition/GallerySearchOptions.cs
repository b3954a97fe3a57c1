namespace FaceEmbeddings.Recognition;

/// <summary>How <see cref="IFaceGallery.SearchAsync"/> ranks and cuts off identities.</summary>
public sealed record GallerySearchOptions
{
    /// <summary>At most this many identities per query, at least 1 (default 1).</summary>
    public int TopK { get; init; } = 1;

    /// <summary>
    /// The match threshold: an identity is kept only when its distance is strictly below it, as
    /// <see cref="FaceVerifier"/> decides a match; a query with none left is unknown. <see langword="null"/>
    /// (default) keeps every identity up to <see cref="TopK"/>. A threshold calibrated for a false-match rate
    /// (<see cref="ThresholdCalibration"/>) keeps that rate per compared pair.
    /// </summary>
    public double? Threshold { get; init; }

    /// <summary>How an identity with several faces is scored (default: by its closest face).</summary>
    public IdentityScoring Scoring { get; init; } = IdentityScoring.ClosestFace;

    /// <summary>Checks every setting; every gallery calls it before searching.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (TopK < 1)
            throw new ArgumentException($"{nameof(TopK)} must be at least 1; got {TopK}.", nameof(TopK));
        if (Threshold is { } threshold && !(double.IsFinite(threshold) && threshold > 0))
            throw new ArgumentException($"{nameof(Threshold)} must be a positive finite distance or null; got {threshold}.", nameof(Threshold));
        if (!Enum.IsDefined(Scoring))
            throw new ArgumentException($"Unknown {nameof(IdentityScoring)} {Scoring}.", nameof(Scoring));
    }
}
