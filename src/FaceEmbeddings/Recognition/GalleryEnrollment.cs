using static TorchSharp.torch;

namespace FaceEmbeddings.Recognition;

/// <summary>Enrols many people at once from rows of embeddings, as a labelled photo collection or a named clustering gives them.</summary>
public static class GalleryEnrollment
{
    /// <summary>
    /// Enrols row <c>i</c> of <paramref name="embeddings"/> under <paramref name="identities"/>[i]: one
    /// <see cref="IFaceGallery.EnrollAsync"/> per distinct name (in order of first appearance), with that name's rows in order;
    /// a row whose name is null is left out.
    /// </summary>
    /// <param name="gallery">The gallery.</param>
    /// <param name="embeddings">[N, D] embeddings of the gallery's model; the caller keeps ownership.</param>
    /// <param name="identities">N names, or null for rows not to enrol.</param>
    /// <param name="cancellationToken">Stops between people.</param>
    /// <returns>How many faces were enrolled.</returns>
    /// <exception cref="ArgumentException"><paramref name="embeddings"/> is not [N, D] with N names, or a name is empty.</exception>
    public static async Task<int> EnrollRowsAsync(this IFaceGallery gallery, Tensor embeddings, IReadOnlyList<string?> identities,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(identities);
        if (embeddings.dim() != 2 || embeddings.shape[0] != identities.Count)
            throw new ArgumentException($"'{nameof(embeddings)}' must be [N, D] with one row per name ({identities.Count}); got [{string.Join(", ", embeddings.shape)}].", nameof(embeddings));
        if (identities.Any(name => name is { Length: 0 }))
            throw new ArgumentException($"'{nameof(identities)}' holds an empty name; leave a row out with null.", nameof(identities));
        int faces = 0;
        var people = Enumerable.Range(0, identities.Count).Where(row => identities[row] is not null).GroupBy(row => identities[row]!, StringComparer.Ordinal);
        foreach (IGrouping<string, int> person in people)
        {
            long[] rows = person.Select(row => (long)row).ToArray();
            // Owned by using, not by a dispose scope: a scope would stay current on this thread across the await.
            using Tensor index = tensor(rows, device: embeddings.device);
            using Tensor personRows = embeddings.index_select(0, index); // [n, D]
            await gallery.EnrollAsync(person.Key, personRows, cancellationToken: cancellationToken).ConfigureAwait(false);
            faces += rows.Length;
        }
        return faces;
    }
}
