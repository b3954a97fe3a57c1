namespace FaceEmbeddings.Recognition;

/// <summary>How <see cref="IFaceGallery.SearchAsync"/> ranks and cuts off identities.</summary>
public sealed record GallerySearchOptions
{
    /// <summary>At most this many identities per query (default 1).</summary>
    public int TopK { get; init; } = 1;

    /// <summary>
    /// Identities farther than this are left out; a query with none left is unknown. <see langword="null"/>
    /// (default) keeps every identity up to <see cref="TopK"/>.
    /// </summary>
    public double? MaxDistance { get; init; }

    /// <summary>How an identity with several faces is scored (default: by its closest face).</summary>
    public IdentityScoring Scoring { get; init; } = IdentityScoring.ClosestFace;
}
