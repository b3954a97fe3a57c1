using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceEmbeddings.Models.Store;

/// <summary>
/// A local store of model weights: a catalogue of named files (<see cref="ModelCatalog.BuiltIn"/> plus any
/// <see cref="Register">registered</see> ones) and a directory that holds verified copies, downloaded on first use.
/// </summary>
/// <remarks>
/// <para>
/// The root directory is the constructor's argument, else the environment variable <c>FACEEMBEDDINGS_HOME</c>, else
/// <c>$XDG_CACHE_HOME/faceembeddings</c>, else <c>~/.cache/faceembeddings</c>. A model lives at its
/// <see cref="ModelInfo.RelativePath"/> under the root, so a folder with <c>mtcnn/pnet.pt</c>, <c>mtcnn/rnet.pt</c> and
/// <c>mtcnn/onet.pt</c> serves the MTCNN weights without any network access.
/// </para>
/// <para>
/// Files are verified every time they are handed out; a copy that fails is replaced, never used. Downloads go to a
/// temporary file in the model's directory and are renamed into place only once verified. Threads and processes that
/// fetch the same file take turns through a lock (<c>&lt;file&gt;.lock</c>, left in place), so the file is downloaded once
/// and never corrupted. Instances are thread-safe.
/// </para>
/// </remarks>
public sealed class ModelStore
{
    /// <summary>The environment variable naming the store's root when the constructor is given none.</summary>
    public const string HomeEnvironmentVariable = "FACEEMBEDDINGS_HOME";

    /// <summary>The environment variable that, set to <c>1</c>/<c>true</c>/<c>yes</c>/<c>on</c>, forbids downloads.</summary>
    public const string OfflineEnvironmentVariable = "FACEEMBEDDINGS_OFFLINE";

    private readonly ConcurrentDictionary<string, ModelInfo> catalogue;
    private readonly ModelStoreOptions options;
    private readonly ILogger logger;
    private readonly ModelVerifier verifier;
    private readonly ModelDownloader downloader;

    /// <summary>Opens a store.</summary>
    /// <param name="root">The root directory; <c>null</c> for the default (see <see cref="GetDefaultRoot"/>). It need not exist yet.</param>
    /// <param name="options">Network, retry, verification and logging settings; <c>null</c> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ModelStore(string? root = null, ModelStoreOptions? options = null)
    {
        this.options = options ?? new ModelStoreOptions();
        this.options.Validate();
        Root = Path.GetFullPath(string.IsNullOrWhiteSpace(root) ? GetDefaultRoot() : root);
        IsOffline = this.options.Offline ?? IsSet(Environment.GetEnvironmentVariable(OfflineEnvironmentVariable));
        logger = this.options.Logger ?? NullLogger.Instance;
        catalogue = new ConcurrentDictionary<string, ModelInfo>(
            ModelCatalog.BuiltIn.Select(model => KeyValuePair.Create(model.Name, model)), StringComparer.OrdinalIgnoreCase);
        verifier = new ModelVerifier(this.options.StructureValidator, logger);
        downloader = new ModelDownloader(this.options.HttpClient ?? ModelDownloader.DefaultClient, this.options, verifier, logger);
    }

    /// <summary>The full path of the root directory.</summary>
    public string Root { get; }

    /// <summary>Whether downloads are forbidden (<see cref="ModelStoreOptions.Offline"/> or <c>FACEEMBEDDINGS_OFFLINE</c>).</summary>
    public bool IsOffline { get; }

    /// <summary>The catalogue: the built-in entries and those registered on this instance.</summary>
    public IReadOnlyCollection<ModelInfo> Models => catalogue.Values.OrderBy(model => model.Name, StringComparer.Ordinal).ToList();

    /// <summary>
    /// The root used when none is given: <c>FACEEMBEDDINGS_HOME</c>, else <c>$XDG_CACHE_HOME/faceembeddings</c>,
    /// else <c>~/.cache/faceembeddings</c>.
    /// </summary>
    public static string GetDefaultRoot()
    {
        string? home = Environment.GetEnvironmentVariable(HomeEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(home))
            return home;
        string? cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(cache))
            cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "faceembeddings");
    }

    /// <summary>Adds <paramref name="model"/> to this store's catalogue, replacing any entry of the same name.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public void Register(ModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        catalogue[model.Name] = model;
    }

    /// <summary>The catalogue entry named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No model has that name.</exception>
    public ModelInfo GetInfo(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (catalogue.TryGetValue(name, out ModelInfo? model))
            return model;
        throw new ArgumentException(
            $"Unknown model '{name}'. Known models: {string.Join(", ", Models.Select(known => known.Name))}; register others with ModelStore.Register.",
            nameof(name));
    }

    /// <summary>Where the model named <paramref name="name"/> belongs in this store, whether or not it is there.</summary>
    /// <exception cref="ArgumentException">No model has that name.</exception>
    public string GetLocalPath(string name) => LocalPathOf(GetInfo(name));

    /// <summary>
    /// Returns the full path of a verified copy of the model named <paramref name="name"/>, downloading it first when
    /// the store has none or its copy fails verification.
    /// </summary>
    /// <param name="name">A catalogue name, e.g. <see cref="ModelCatalog.MtcnnPNet"/>.</param>
    /// <param name="progress">Receives download progress; nothing is reported when the file is already there.</param>
    /// <param name="cancellationToken">Cancels the wait or download; a cancelled download leaves no file behind.</param>
    /// <returns>The path of the verified file.</returns>
    /// <exception cref="ArgumentException">No model has that name.</exception>
    /// <exception cref="ModelUnavailableOfflineException">The store is offline and has no valid copy.</exception>
    /// <exception cref="ModelDownloadException">The download failed (after retrying transient failures) or could not be written.</exception>
    /// <exception cref="ModelVerificationException">The bytes obtained are not the model, or the model cannot be verified at all.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<string> GetAsync(string name, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ModelInfo model = GetInfo(name);
        string path = LocalPathOf(model);
        cancellationToken.ThrowIfCancellationRequested();

        CachedFileState cached = await verifier.InspectAsync(model, path, cancellationToken).ConfigureAwait(false);
        if (cached.IsValid)
            return path;
        if (IsOffline)
            throw UnavailableOffline(model, path, cached);

        using (await LockAsync(model, path, cancellationToken).ConfigureAwait(false))
        {
            // Another thread or process may have fetched the file while this caller waited for the lock.
            cached = await verifier.InspectAsync(model, path, cancellationToken).ConfigureAwait(false);
            if (cached.IsValid)
                return path;
            RemoveLeftovers(model, path, cached);
            await downloader.DownloadAsync(model, path, progress, cancellationToken).ConfigureAwait(false);
        }
        return path;
    }

    private string LocalPathOf(ModelInfo model) =>
        Path.Combine(Root, model.RelativePath.Replace('/', Path.DirectorySeparatorChar));

    private async Task<ModelFileLock> LockAsync(ModelInfo model, string path, CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return await ModelFileLock.AcquireAsync(path, options.LockTimeout,
                () => ModelStoreLog.WaitingForOtherProcess(logger, model.Name, path), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new ModelDownloadException(model, path, $"the download lock was not obtained in time ({ex.Message})", ex, isTransient: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelDownloadException(model, path,
                $"its directory is not writable ({ex.Message}); choose a writable store root or put the file there yourself", ex);
        }
    }

    /// <summary>Deletes an invalid copy (so a failed download leaves nothing in the model's place) and stale temporary files.</summary>
    private void RemoveLeftovers(ModelInfo model, string path, CachedFileState cached)
    {
        try
        {
            if (cached.Exists)
            {
                ModelStoreLog.ReplacingInvalidFile(logger, model.Name, path, cached.Problem!);
                File.Delete(path);
                HashRecord.Delete(path);
            }
            // Temporary files of downloads that died with their process; the lock guarantees none is in use.
            foreach (string leftover in Directory.EnumerateFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".*.tmp"))
                File.Delete(leftover);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelDownloadException(model, path, $"the invalid or stale files in its place could not be removed ({ex.Message})", ex);
        }
    }

    private static ModelUnavailableOfflineException UnavailableOffline(ModelInfo model, string path, CachedFileState cached)
    {
        string found = cached.Exists ? $"The copy at '{path}' failed verification: {cached.Problem}. " : "";
        string expected = model.Sha256 is null ? "" : $" (SHA-256 {model.Sha256}{(model.SizeInBytes is long size ? $", {size} bytes" : "")})";
        return new ModelUnavailableOfflineException(
            $"Model '{model.Name}' is not available offline. {found}Download {model.DownloadUri}{expected} and put it at '{path}', " +
            $"or allow downloads (unset {OfflineEnvironmentVariable}, or set ModelStoreOptions.Offline to false).",
            model, path);
    }

    private static bool IsSet(string? flag) =>
        flag is not null && (flag.Trim() is "1" || flag.Trim().ToUpperInvariant() is "TRUE" or "YES" or "ON");
}
