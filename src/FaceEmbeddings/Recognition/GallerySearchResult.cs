namespace FaceEmbeddings.Recognition;

/// <summary>The identities found for one query, nearest first.</summary>
/// <param name="Matches">At most <see cref="GallerySearchOptions.TopK"/> identities by increasing distance.</param>
public sealed record GallerySearchResult(IReadOnlyList<IdentityMatch> Matches)
{
    /// <summary>True when no identity lies within the search's cut-off (or the gallery is empty).</summary>
    public bool IsUnknown => Matches.Count == 0;

    /// <summary>The nearest identity, or <see langword="null"/> when unknown.</summary>
    public IdentityMatch? Best => Matches.Count == 0 ? null : Matches[0];
}
