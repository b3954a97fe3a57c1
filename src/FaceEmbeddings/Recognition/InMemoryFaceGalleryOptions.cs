using TorchSharp;

namespace FaceEmbeddings.Recognition;

/// <summary>Settings of an <see cref="InMemoryFaceGallery"/>.</summary>
public sealed record InMemoryFaceGalleryOptions
{
    /// <summary>Where the gallery's embeddings live and searches run: null for the CPU, or a CUDA device.</summary>
    public torch.Device? Device { get; init; }

    /// <summary>
    /// Faces the gallery makes room for up front (default 1,024); it doubles its room when full, which copies
    /// the faces once, so a caller who knows the final size saves the copies.
    /// </summary>
    public long InitialCapacity { get; init; } = 1024;

    /// <summary>Bound, in bytes, on the blocks a search computes at a time; default <see cref="Metrics.Distances.DefaultChunkBytes"/>.</summary>
    public long SearchChunkBytes { get; init; } = Metrics.Distances.DefaultChunkBytes;

    /// <summary>
    /// The key the gallery's file is encrypted and authenticated with (AES-256-GCM): <see cref="InMemoryFaceGallery.LoadAsync"/>
    /// opens only a file encrypted with this key, and <see cref="InMemoryFaceGallery.SaveAsync"/> encrypts with it.
    /// Null (the default): the file is plain, its integrity checked but its faces and names readable by whoever can
    /// read the file. The gallery uses the key at every save: dispose the key after the gallery.
    /// </summary>
    public GalleryEncryptionKey? EncryptionKey { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (InitialCapacity < 0)
            throw new ArgumentException($"{nameof(InitialCapacity)} must not be negative; got {InitialCapacity}.", nameof(InitialCapacity));
        if (SearchChunkBytes < 1L << 20)
            throw new ArgumentException($"{nameof(SearchChunkBytes)} must be at least 1 MiB; got {SearchChunkBytes}.", nameof(SearchChunkBytes));
    }
}
