using FaceEmbeddings.Runtime;
using FaceEmbeddings.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Recognition;

/// <summary>
/// The embedded face gallery: every face in one contiguous float32 tensor on the gallery's device, searched
/// exactly (every face is compared with every query) by <see cref="Distances.Nearest"/>'s chunked products, and
/// saved to one file. Needs no server; holds D × 4 bytes per face (2 GB for a million 512-d faces) plus about
/// 60 bytes of bookkeeping. Owns its tensors: dispose it.
/// </summary>
/// <remarks>
/// <para>Thread-safe. Searches share a read lock and run side by side; enrolments and removals take the write lock
/// only to copy their rows in (their checks and conversions happen before), so a search waits at most for one
/// such copy, and sees each enrolment whole or not at all. A save holds the read lock while it writes.</para>
/// <para>An identity scored by its closest face ranks the gallery's faces once and groups the nearest of them by
/// identity: the (k − 1)·F + 1 nearest faces, with F the most faces of any identity, always hold the k nearest
/// identities. Centroids are kept up to date as faces come and go, and searched the same way.</para>
/// <para>The methods complete synchronously: the work is computation, not I/O (except
/// <see cref="SaveAsync"/> and <see cref="LoadAsync"/>).</para>
/// </remarks>
public sealed class InMemoryFaceGallery : IFaceGallery
{
    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Device device;
    private readonly long searchChunkBytes;
    private readonly GalleryEncryptionKey? encryptionKey;

    // Guarded by gate. Row r of faces belongs to identities[identityOfRow[r]] and has id faceIdOfRow[r];
    // centroids row s is the mean of identities[s]'s faces.
    private readonly EmbeddingRows faces;
    private readonly EmbeddingRows centroids;
    private readonly List<long> faceIdOfRow = [];
    private readonly List<int> identityOfRow = [];
    private readonly Dictionary<long, long> rowOfFace = [];
    private readonly List<Identity> identities = [];
    private readonly Dictionary<string, int> slotOfIdentity = new(StringComparer.Ordinal);
    private long nextFaceId = 1;
    private bool disposed;

    /// <summary>Creates an empty gallery for embeddings described by <paramref name="descriptor"/>.</summary>
    /// <param name="descriptor">Model, embedding size and metric of the faces it will hold.</param>
    /// <param name="options">Device and capacity; defaults as documented there.</param>
    /// <exception cref="ArgumentException">The descriptor or an option is invalid, or the device is not available.</exception>
    public InMemoryFaceGallery(GalleryDescriptor descriptor, InMemoryFaceGalleryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        descriptor.Validate();
        options ??= new InMemoryFaceGalleryOptions();
        options.Validate();
        Descriptor = descriptor;
        device = DeviceCheck.Require(options.Device, nameof(options));
        searchChunkBytes = options.SearchChunkBytes;
        encryptionKey = options.EncryptionKey;
        faces = new EmbeddingRows(descriptor.EmbeddingSize, device, options.InitialCapacity);
        centroids = new EmbeddingRows(descriptor.EmbeddingSize, device);
    }

    /// <summary>
    /// Opens a gallery saved by <see cref="SaveAsync"/>. The whole file is checked before it is used: a truncated,
    /// damaged or foreign file is refused, never read in part.
    /// </summary>
    /// <param name="path">The gallery file.</param>
    /// <param name="expected">The descriptor the caller's embeddings have; null accepts the file's own.</param>
    /// <param name="options">Device and capacity of the opened gallery, and the key of an encrypted file (<see cref="InMemoryFaceGalleryOptions.EncryptionKey"/>).</param>
    /// <param name="cancellationToken">Cancels before the file is read.</param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="GalleryFormatException">The file is not a complete, unaltered gallery file of a version this library reads; or it is
    /// encrypted and the options have no key or another key; or the options have a key and the file is not encrypted.</exception>
    /// <exception cref="GalleryDescriptorMismatchException">The file holds embeddings of another model, size or metric than <paramref name="expected"/>.</exception>
    public static Task<InMemoryFaceGallery> LoadAsync(string path, GalleryDescriptor? expected = null, InMemoryFaceGalleryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        expected?.Validate();
        return Task.Run(() => Load(path, expected, options), cancellationToken);
    }

    /// <summary><see cref="LoadAsync"/> on the calling thread.</summary>
    internal static InMemoryFaceGallery Load(string path, GalleryDescriptor? expected, InMemoryFaceGalleryOptions? options) =>
        GalleryFile.Read(path, expected, options?.EncryptionKey, contents => FromContents(contents, options));

    /// <summary>
    /// Writes the gallery to <paramref name="path"/> (see <see cref="LoadAsync"/>): a safetensors file with the
    /// embeddings, face ids, identities, their metadata, the descriptor, a format version and a checksum, encrypted and
    /// authenticated as a whole (AES-256-GCM) when the gallery's options have an
    /// <see cref="InMemoryFaceGalleryOptions.EncryptionKey"/>. The file is written anew each time, beside the target, and
    /// renamed over it when complete, so a crash mid-save leaves the old file as it was. Searches go on while it
    /// writes; enrolments and removals wait.
    /// </summary>
    /// <param name="path">The file to write; its folder is created when needed.</param>
    /// <param name="cancellationToken">Cancels before the file is written.</param>
    public Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Task.Run(() => Save(path), cancellationToken);
    }

    /// <summary>
    /// Re-writes the gallery file at <paramref name="path"/> under another key: encrypts a plain file, changes the key of
    /// an encrypted one, or decrypts one to a plain file. The whole file is checked with the current key first and the
    /// new file replaces it atomically, so a wrong key leaves it as it was.
    /// </summary>
    /// <param name="path">The gallery file.</param>
    /// <param name="currentKey">The key it is encrypted with now; null for a plain file.</param>
    /// <param name="newKey">The key to encrypt it with; null for a plain file.</param>
    /// <param name="cancellationToken">Cancels before the file is read.</param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="GalleryFormatException">The file is not a gallery file that <paramref name="currentKey"/> opens.</exception>
    public static Task ChangeKeyAsync(string path, GalleryEncryptionKey? currentKey, GalleryEncryptionKey? newKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Task.Run(() => GalleryFile.Read(path, null, currentKey, contents =>
        {
            GalleryFile.Write(path, contents, newKey);
            return true;
        }), cancellationToken);
    }

    /// <summary><see cref="SaveAsync"/> on the calling thread.</summary>
    internal void Save(string path) => WithReadLock(() =>
    {
        using var scope = NewDisposeScope();
        GalleryFile.Write(path, new GalleryFile.Contents(
            Descriptor, faces.Active, [.. faceIdOfRow], identityOfRow.Select(slot => (long)slot).ToArray(),
            identities.Select(entry => (entry.Name, entry.Metadata)).ToArray(), nextFaceId), encryptionKey);
        return true;
    });

    /// <inheritdoc />
    public GalleryDescriptor Descriptor { get; }

    /// <summary>Where the embeddings live and searches run.</summary>
    public Device Device => device;

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> EnrollAsync(string identity, Tensor embeddings, IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default) => Complete(() =>
    {
        RequireIdentity(identity);
        IReadOnlyDictionary<string, string>? copiedMetadata = metadata is null ? null : GalleryMetadata.Copy(metadata, nameof(metadata));
        long count = Descriptor.RequireEmbeddings(embeddings, nameof(embeddings));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor rows = embeddings.reshape(count, Descriptor.EmbeddingSize).to(ScalarType.Float32, device);
        cancellationToken.ThrowIfCancellationRequested();
        return WithWriteLock<IReadOnlyList<long>>(() =>
        {
            if (!slotOfIdentity.TryGetValue(identity, out int slot))
            {
                slot = identities.Count;
                identities.Add(new Identity(identity, copiedMetadata ?? GalleryMetadata.Empty));
                slotOfIdentity.Add(identity, slot);
            }
            else if (copiedMetadata is not null)
            {
                identities[slot].Metadata = copiedMetadata;
            }
            long firstRow = faces.Count;
            faces.Append(rows);
            var ids = new long[count];
            for (long i = 0; i < count; i++)
            {
                long row = firstRow + i;
                ids[i] = nextFaceId++;
                faceIdOfRow.Add(ids[i]);
                identityOfRow.Add(slot);
                rowOfFace.Add(ids[i], row);
                identities[slot].Rows.Add(row);
            }
            UpdateCentroid(slot);
            return ids;
        });
    });

    /// <inheritdoc />
    /// <remarks>
    /// The removed rows are overwritten in memory at once. A saved file keeps the identity until the next
    /// <see cref="SaveAsync"/>, which writes the whole file anew from what the gallery holds (never a patch of the
    /// old one), so that none of the identity's bytes are in it.
    /// </remarks>
    public Task<bool> RemoveIdentityAsync(string identity, CancellationToken cancellationToken = default) => Complete(() =>
    {
        RequireIdentity(identity);
        cancellationToken.ThrowIfCancellationRequested();
        return WithWriteLock(() =>
        {
            if (!slotOfIdentity.TryGetValue(identity, out int slot)) return false;
            RemoveRows([.. identities[slot].Rows]);
            return true;
        });
    });

    /// <inheritdoc />
    public Task<bool> RemoveFaceAsync(long faceId, CancellationToken cancellationToken = default) => Complete(() =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        return WithWriteLock(() =>
        {
            if (!rowOfFace.TryGetValue(faceId, out long row)) return false;
            RemoveRows([row]);
            return true;
        });
    });

    /// <inheritdoc />
    public Task<GalleryCounts> CountAsync(CancellationToken cancellationToken = default) =>
        Complete(() => WithReadLock(() => new GalleryCounts(identities.Count, faces.Count)));

    /// <inheritdoc />
    public Task<IReadOnlyList<GalleryIdentity>> ListIdentitiesAsync(CancellationToken cancellationToken = default) => Complete(() =>
        WithReadLock<IReadOnlyList<GalleryIdentity>>(() => identities
            .Select(entry => new GalleryIdentity(entry.Name, entry.Rows.Count, entry.Metadata))
            .OrderBy(entry => entry.Name, StringComparer.Ordinal)
            .ToArray()));

    /// <inheritdoc />
    public Task<IReadOnlyList<GallerySearchResult>> SearchAsync(Tensor queries, GallerySearchOptions? options = null,
        CancellationToken cancellationToken = default) => Complete<IReadOnlyList<GallerySearchResult>>(() =>
    {
        options ??= new GallerySearchOptions();
        options.Validate();
        long count = Descriptor.RequireEmbeddings(queries, nameof(queries));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor rows = queries.reshape(count, Descriptor.EmbeddingSize).to(ScalarType.Float32, device);
        cancellationToken.ThrowIfCancellationRequested();
        return WithReadLock(() =>
        {
            if (identities.Count == 0)
                return Enumerable.Range(0, (int)count).Select(_ => new GallerySearchResult([])).ToArray();
            return options.Scoring == IdentityScoring.Centroid ? SearchCentroids(rows, options) : SearchFaces(rows, options);
        });
    });

    /// <summary>The faces' N×D tensor as it is (a view, for the scale benchmark's machine-limit passes): the caller scopes it
    /// and must not use it across changes to the gallery.</summary>
    internal Tensor FacesView() => WithReadLock(() => faces.Active);

    /// <inheritdoc />
    public void Dispose()
    {
        gate.EnterWriteLock();
        try
        {
            if (disposed) return;
            disposed = true;
            faces.Dispose();
            centroids.Dispose();
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    private static InMemoryFaceGallery FromContents(GalleryFile.Contents contents, InMemoryFaceGalleryOptions? options)
    {
        options ??= new InMemoryFaceGalleryOptions();
        long count = contents.FaceIds.Length;
        var gallery = new InMemoryFaceGallery(contents.Descriptor, options with { InitialCapacity = Math.Max(options.InitialCapacity, count) });
        try
        {
            foreach ((string name, IReadOnlyDictionary<string, string> metadata) in contents.Identities)
            {
                gallery.slotOfIdentity.Add(name, gallery.identities.Count);
                gallery.identities.Add(new Identity(name, metadata));
            }
            for (int row = 0; row < count; row++)
            {
                int slot = (int)contents.FaceIdentities[row];
                gallery.faceIdOfRow.Add(contents.FaceIds[row]);
                gallery.identityOfRow.Add(slot);
                gallery.rowOfFace.Add(contents.FaceIds[row], row);
                gallery.identities[slot].Rows.Add(row);
            }
            gallery.nextFaceId = contents.NextFaceId;
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            if (count > 0)
            {
                Tensor rows = contents.Embeddings.to(gallery.device);
                gallery.faces.Append(rows);
                // All centroids at once: per-identity sums over the faces, divided by the face counts.
                Tensor slots = tensor(contents.FaceIdentities, device: gallery.device);
                Tensor counts = tensor(gallery.identities.Select(entry => (float)entry.Rows.Count).ToArray(), device: gallery.device);
                using Scalar one = 1.0f.ToScalar();
                Tensor sums = zeros([gallery.identities.Count, contents.Descriptor.EmbeddingSize], ScalarType.Float32, gallery.device)
                    .index_add_(0, slots, rows, one);
                gallery.centroids.Append(sums.div_(counts.unsqueeze(1)));
            }
            return gallery;
        }
        catch
        {
            gallery.Dispose();
            throw;
        }
    }

    private GallerySearchResult[] SearchFaces(Tensor queries, GallerySearchOptions options)
    {
        int mostFaces = identities.Max(entry => entry.Rows.Count);
        long candidates = Math.Min(faces.Count, (long)(options.TopK - 1) * mostFaces + 1);
        (double[] distances, long[] rows, int width) = Nearest(queries, faces, (int)Math.Min(candidates, int.MaxValue));
        var results = new GallerySearchResult[queries.shape[0]];
        var seen = new HashSet<int>();
        for (int q = 0; q < results.Length; q++)
        {
            var matches = new List<IdentityMatch>(Math.Min(options.TopK, identities.Count));
            seen.Clear();
            for (int c = q * width; c < (q + 1) * width && matches.Count < options.TopK; c++)
            {
                if (distances[c] >= (options.Threshold ?? double.PositiveInfinity)) break;
                int slot = identityOfRow[(int)rows[c]];
                if (seen.Add(slot)) matches.Add(new IdentityMatch(identities[slot].Name, distances[c], faceIdOfRow[(int)rows[c]]));
            }
            results[q] = new GallerySearchResult(matches);
        }
        return results;
    }

    private GallerySearchResult[] SearchCentroids(Tensor queries, GallerySearchOptions options)
    {
        (double[] distances, long[] slots, int width) = Nearest(queries, centroids, Math.Min(options.TopK, identities.Count));
        var results = new GallerySearchResult[queries.shape[0]];
        for (int q = 0; q < results.Length; q++)
        {
            results[q] = new GallerySearchResult(Enumerable.Range(q * width, width)
                .TakeWhile(c => distances[c] < (options.Threshold ?? double.PositiveInfinity))
                .Select(c => new IdentityMatch(identities[(int)slots[c]].Name, distances[c], null))
                .ToArray());
        }
        return results;
    }

    /// <summary>The <paramref name="k"/> nearest rows of <paramref name="target"/> per query, row-major on the host.</summary>
    private (double[] Distances, long[] Rows, int Width) Nearest(Tensor queries, EmbeddingRows target, int k)
    {
        using var scope = NewDisposeScope();
        var (distances, rows) = Distances.NearestChecked(queries, target.Active, target.ActiveNorms, k, Descriptor.Metric, searchChunkBytes);
        return (distances.to(ScalarType.Float64).cpu().data<double>().ToArray(), rows.cpu().data<long>().ToArray(), k);
    }

    /// <summary>
    /// Removes the faces at <paramref name="removed"/> (distinct rows): the last rows move into the holes, and
    /// identities left without faces are removed the same way (the last identity moves into the hole).
    /// </summary>
    private void RemoveRows(long[] removed)
    {
        var removedSet = removed.ToHashSet();
        long remaining = faces.Count - removed.Length;
        long[] holes = removed.Where(row => row < remaining).Order().ToArray();
        long[] movers = Enumerable.Range(0, removed.Length).Select(i => remaining + i).Where(row => !removedSet.Contains(row)).ToArray();

        var touched = new HashSet<int>();
        foreach (long row in removed)
        {
            int slot = identityOfRow[(int)row];
            touched.Add(slot);
            identities[slot].Rows.Remove(row);
            rowOfFace.Remove(faceIdOfRow[(int)row]);
        }
        faces.MoveAndTruncate(movers, holes, remaining);
        for (int i = 0; i < holes.Length; i++)
        {
            int from = (int)movers[i], to = (int)holes[i];
            int slot = identityOfRow[from];
            faceIdOfRow[to] = faceIdOfRow[from];
            identityOfRow[to] = slot;
            rowOfFace[faceIdOfRow[to]] = to;
            List<long> slotRows = identities[slot].Rows;
            slotRows[slotRows.IndexOf(from)] = to;
        }
        faceIdOfRow.RemoveRange((int)remaining, removed.Length);
        identityOfRow.RemoveRange((int)remaining, removed.Length);

        // Empty identities go, highest slot first, so that a moved identity is never one still to be removed.
        foreach (int slot in touched.OrderDescending())
        {
            if (identities[slot].Rows.Count > 0) UpdateCentroid(slot);
            else RemoveSlot(slot);
        }
    }

    private void RemoveSlot(int slot)
    {
        int last = identities.Count - 1;
        slotOfIdentity.Remove(identities[slot].Name);
        if (slot != last)
        {
            Identity moved = identities[last];
            identities[slot] = moved;
            slotOfIdentity[moved.Name] = slot;
            foreach (long row in moved.Rows) identityOfRow[(int)row] = slot;
        }
        identities.RemoveAt(last);
        centroids.MoveAndTruncate(slot == last ? [] : [last], slot == last ? [] : [slot], last);
    }

    private void UpdateCentroid(int slot)
    {
        using var scope = NewDisposeScope();
        using var rows = tensor(identities[slot].Rows.ToArray(), device: device);
        Tensor mean = faces.Active.index_select(0, rows).mean([0]);
        if (slot == centroids.Count) centroids.Append(mean.unsqueeze(0));
        else centroids.Set(slot, mean);
    }

    private T WithReadLock<T>(Func<T> read) => Locked(gate.EnterReadLock, gate.ExitReadLock, read);

    private T WithWriteLock<T>(Func<T> write) => Locked(gate.EnterWriteLock, gate.ExitWriteLock, write);

    private T Locked<T>(Action enter, Action exit, Func<T> work)
    {
        enter();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return work();
        }
        finally
        {
            exit();
        }
    }

    /// <summary>Runs synchronous work as a completed task; its exceptions fault the task, as an async method's would.</summary>
    private static Task<T> Complete<T>(Func<T> work)
    {
        try
        {
            return Task.FromResult(work());
        }
        catch (OperationCanceledException e)
        {
            return Task.FromCanceled<T>(e.CancellationToken.IsCancellationRequested ? e.CancellationToken : new CancellationToken(true));
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    private static void RequireIdentity(string identity)
    {
        if (string.IsNullOrEmpty(identity))
            throw new ArgumentException("An identity needs a non-empty name.", nameof(identity));
    }

    /// <summary>One enrolled person: name, metadata and the rows of its faces.</summary>
    private sealed class Identity(string name, IReadOnlyDictionary<string, string> metadata)
    {
        public string Name { get; } = name;

        public IReadOnlyDictionary<string, string> Metadata { get; set; } = metadata;

        public List<long> Rows { get; } = [];
    }
}
