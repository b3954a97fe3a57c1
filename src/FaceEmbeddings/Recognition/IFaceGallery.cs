using static TorchSharp.torch;

namespace FaceEmbeddings.Recognition;

/// <summary>
/// A store of enrolled people (identities), each with one or more face embeddings, that answers "who is this?"
/// for new embeddings. Every embedding in one gallery comes from one encoder (<see cref="Descriptor"/>).
/// </summary>
/// <remarks>
/// Implementations are thread-safe: searches may run while other threads enrol or remove. Each enrolment is
/// atomic: a search sees all of its faces or none. Methods that take tensors read them and keep no reference
/// to them; the caller keeps ownership.
/// </remarks>
public interface IFaceGallery : IDisposable
{
    /// <summary>The encoder, embedding size and metric every embedding of this gallery is compared with.</summary>
    GalleryDescriptor Descriptor { get; }

    /// <summary>
    /// Adds faces to <paramref name="identity"/>, creating it when it is new. Metadata given here replaces the
    /// identity's metadata; <see langword="null"/> keeps what it had.
    /// </summary>
    /// <param name="identity">The person's key: non-empty, compared ordinally.</param>
    /// <param name="embeddings">N×D (or D for one face) embeddings from the gallery's encoder, on any device.</param>
    /// <param name="metadata">Optional string key/values stored with the identity.</param>
    /// <param name="cancellationToken">Cancels before anything is written.</param>
    /// <returns>The new faces' ids, in the order of the rows of <paramref name="embeddings"/>.</returns>
    Task<IReadOnlyList<long>> EnrollAsync(
        string identity, Tensor embeddings, IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases an identity: its name, metadata and every face's embedding; searches no longer find it. False when there
    /// was none. What the storage keeps afterwards (a file until its next save, a database until VACUUM and in its
    /// backups) is said by each implementation and in docs/privacy.md.
    /// </summary>
    Task<bool> RemoveIdentityAsync(string identity, CancellationToken cancellationToken = default);

    /// <summary>Removes one face; an identity left with no face is removed too. False when there was none.</summary>
    Task<bool> RemoveFaceAsync(long faceId, CancellationToken cancellationToken = default);

    /// <summary>How many identities and faces the gallery holds.</summary>
    Task<GalleryCounts> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Every identity with its face count and metadata, ordered by name (ordinal).</summary>
    Task<IReadOnlyList<GalleryIdentity>> ListIdentitiesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The nearest identities of each query: Q×D (or D for one query) embeddings → Q results, each with at most
    /// <see cref="GallerySearchOptions.TopK"/> identities by increasing distance.
    /// </summary>
    Task<IReadOnlyList<GallerySearchResult>> SearchAsync(
        Tensor queries, GallerySearchOptions? options = null, CancellationToken cancellationToken = default);
}
