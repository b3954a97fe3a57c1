using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.Models.Store;

/// <summary>Settings of a <see cref="ModelStore"/>: network access, retries, timeouts, verification and logging.</summary>
public sealed record ModelStoreOptions
{
    /// <summary>
    /// The client downloads go through; <c>null</c> uses a shared client of the library. The store never disposes it.
    /// Its own <see cref="HttpClient.Timeout"/> still applies on top of <see cref="StallTimeout"/>.
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>
    /// <c>true</c> forbids downloads: a model that is not already in the store fails at once with
    /// <see cref="ModelUnavailableOfflineException"/>. <c>null</c> (the default) follows the environment variable
    /// <c>FACEEMBEDDINGS_OFFLINE</c> (<c>1</c>, <c>true</c>, <c>yes</c> or <c>on</c> means offline).
    /// </summary>
    public bool? Offline { get; init; }

    /// <summary>How many times a download is tried in all when it fails transiently (dropped connection, timeout, HTTP 408, 429, 5xx). Default 4.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The wait before the second attempt; each further wait doubles, up to <see cref="MaxRetryDelay"/>. Default 1 s.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts, also the cap on a server's <c>Retry-After</c>. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest an attempt waits for the response headers or for the next bytes of the body; a server silent for
    /// longer fails the attempt (which is then retried). Default 30 s. This bounds stalls, not the length of a slow but
    /// steady download.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a caller waits while another thread or process downloads the same file. Default 30 minutes.
    /// </summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The most bytes a download of a model whose catalogue entry gives no <see cref="ModelInfo.SizeInBytes"/> may
    /// bring; a server that announces or sends more fails the download with <see cref="ModelVerificationException"/>
    /// (not retried), so a broken or hostile server cannot fill the disk. Default 2 GiB.
    /// </summary>
    public long MaxDownloadBytes { get; init; } = 2L << 30;

    /// <summary>
    /// Vets models without a trusted SHA-256 whose catalogue entry has no <see cref="ModelInfo.StructureValidator"/>
    /// of its own; <c>null</c> leaves such models unverifiable (they are refused until one is given).
    /// </summary>
    public Func<string, bool>? StructureValidator { get; init; }

    /// <summary>Receives download, retry and cache-repair events; <c>null</c> logs nothing.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count, delay, timeout or size is out of range; the exception names it.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialRetryDelay, TimeSpan.Zero, nameof(InitialRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, InitialRetryDelay, nameof(MaxRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StallTimeout, TimeSpan.Zero, nameof(StallTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LockTimeout, TimeSpan.Zero, nameof(LockTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDownloadBytes, 1, nameof(MaxDownloadBytes));
    }
}
