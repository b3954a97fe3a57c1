using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.Models.Store;

/// <summary>
/// Downloads one model file into a temporary file beside its place, verifies it, then renames it into place (an
/// atomic replace), retrying transient failures with exponential back-off. The caller holds the file's lock.
/// </summary>
internal sealed class ModelDownloader(HttpClient http, ModelStoreOptions options, ModelVerifier verifier, ILogger logger)
{
    private const int BufferSize = 1 << 16;

    private static readonly Lazy<HttpClient> SharedClient = new(CreateSharedClient);

    /// <summary>The client used when the options give none; never disposed, as HttpClient is meant to be shared.</summary>
    public static HttpClient DefaultClient => SharedClient.Value;

    /// <summary>Puts a verified copy of <paramref name="model"/> at <paramref name="modelPath"/>.</summary>
    /// <exception cref="ModelDownloadException">The server refused, or every attempt failed.</exception>
    /// <exception cref="ModelVerificationException">The bytes received are not the model.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task DownloadAsync(ModelInfo model, string modelPath, IProgress<DownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        verifier.EnsureVerifiable(model, modelPath);
        ModelStoreLog.Downloading(logger, model.Name, model.DownloadUri, modelPath);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                long length = await DownloadOnceAsync(model, modelPath, attempt, progress, cancellationToken).ConfigureAwait(false);
                ModelStoreLog.Downloaded(logger, model.Name, modelPath, length);
                return;
            }
            catch (ModelDownloadException failure) when (failure.IsTransient)
            {
                if (attempt >= options.MaxAttempts)
                {
                    throw new ModelDownloadException(model, modelPath, failure.Reason!, failure.InnerException,
                        isTransient: true, failure.StatusCode, attempts: attempt);
                }
                TimeSpan delay = RetryDelay(attempt, failure.RetryAfter);
                ModelStoreLog.Retrying(logger, failure, attempt, options.MaxAttempts, model.Name, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Network errors were translated inside the attempt, so what is left is the local file system.
                throw new ModelDownloadException(model, modelPath,
                    $"the file could not be written in '{Path.GetDirectoryName(modelPath)}' ({ex.Message})", ex, attempts: attempt);
            }
        }
    }

    private async Task<long> DownloadOnceAsync(ModelInfo model, string modelPath, int attempt,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        string temporaryPath = $"{modelPath}.{Guid.NewGuid():N}.tmp";
        try
        {
            (long length, string sha256) = await ReceiveAsync(model, modelPath, temporaryPath, attempt, progress, cancellationToken)
                .ConfigureAwait(false);
            verifier.VerifyDownload(model, modelPath, temporaryPath, length, sha256);
            // rename(2): readers see the old file or the complete new one, never a partial file.
            File.Move(temporaryPath, modelPath, overwrite: true);
            if (model.Sha256 is null)
                verifier.RecordHash(model, modelPath, sha256);
            return length;
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }

    private async Task<(long Length, string Sha256)> ReceiveAsync(ModelInfo model, string modelPath, string temporaryPath,
        int attempt, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using var stallTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stallTimer.CancelAfter(options.StallTimeout);

        using var request = new HttpRequestMessage(HttpMethod.Get, model.DownloadUri);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stallTimer.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (AsNetworkFailure(ex, model, modelPath, "waiting for the response", stallTimer, cancellationToken) is { } failure)
        {
            throw failure;
        }

        using (response)
        {
            EnsureSuccess(response, model, modelPath);
            long? announcedLength = response.Content.Headers.ContentLength;
            if (announcedLength is long announced && model.SizeInBytes is long expected && announced != expected)
            {
                throw new ModelVerificationException(
                    $"The server announced {announced} bytes for model '{model.Name}' from {model.DownloadUri} (for '{modelPath}'), " +
                    $"but the model is {expected} bytes; nothing was kept.", model, modelPath);
            }
            if (announcedLength > options.MaxDownloadBytes && model.SizeInBytes is null)
            {
                throw new ModelVerificationException(
                    $"The server announced {announcedLength} bytes for model '{model.Name}' from {model.DownloadUri} (for '{modelPath}'), " +
                    $"above ModelStoreOptions.MaxDownloadBytes ({options.MaxDownloadBytes}); nothing was kept.", model, modelPath);
            }
            long? totalLength = model.SizeInBytes ?? announcedLength;

            Stream body;
            try
            {
                body = await response.Content.ReadAsStreamAsync(stallTimer.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (AsNetworkFailure(ex, model, modelPath, "opening the body", stallTimer, cancellationToken) is { } failure)
            {
                throw failure;
            }

            var file = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            await using (body.ConfigureAwait(false))
            await using (file.ConfigureAwait(false))
            {
                return await CopyAsync(body, file, model, modelPath, totalLength, attempt, progress, stallTimer, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
    }

    private async Task<(long Length, string Sha256)> CopyAsync(Stream body, FileStream file, ModelInfo model, string modelPath,
        long? totalLength, int attempt, IProgress<DownloadProgress>? progress, CancellationTokenSource stallTimer,
        CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long received = 0;
            progress?.Report(new DownloadProgress(model.Name, 0, totalLength, attempt));
            while (true)
            {
                stallTimer.CancelAfter(options.StallTimeout);
                int read;
                try
                {
                    read = await body.ReadAsync(buffer, stallTimer.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (AsNetworkFailure(ex, model, modelPath,
                    $"receiving the body after {received} of {totalLength?.ToString(CultureInfo.InvariantCulture) ?? "?"} bytes",
                    stallTimer, cancellationToken) is { } failure)
                {
                    throw failure;
                }
                if (read == 0)
                    break;
                if (received + read > (totalLength ?? options.MaxDownloadBytes))
                {
                    string limit = totalLength is null ? $"{options.MaxDownloadBytes} bytes of ModelStoreOptions.MaxDownloadBytes" : $"{totalLength} bytes";
                    throw new ModelVerificationException(
                        $"The server sent more than the {limit} for model '{model.Name}' from {model.DownloadUri} (for '{modelPath}'); " +
                        "the download was discarded.", model, modelPath);
                }
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                received += read;
                progress?.Report(new DownloadProgress(model.Name, received, totalLength, attempt));
            }
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
            return (received, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void EnsureSuccess(HttpResponseMessage response, ModelInfo model, string modelPath)
    {
        if (response.IsSuccessStatusCode)
            return;
        int status = (int)response.StatusCode;
        RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
        throw new ModelDownloadException(model, modelPath, $"the server answered HTTP {status} ({response.ReasonPhrase})",
            isTransient: status is 408 or 429 or >= 500,
            statusCode: response.StatusCode,
            retryAfter: retryAfter?.Delta ?? (retryAfter?.Date - DateTimeOffset.UtcNow));
    }

    /// <summary>
    /// The transient failure a network exception stands for; <c>null</c> for the caller's own cancellation and for
    /// anything that is not a network failure, which then propagate unchanged.
    /// </summary>
    private ModelDownloadException? AsNetworkFailure(Exception exception, ModelInfo model, string modelPath, string stage,
        CancellationTokenSource stallTimer, CancellationToken cancellationToken)
    {
        string? reason = exception switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => null,
            OperationCanceledException when stallTimer.IsCancellationRequested =>
                $"the server sent nothing for {options.StallTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s while {stage}",
            OperationCanceledException => $"the HttpClient's timeout passed while {stage}",
            HttpRequestException or IOException => $"the connection failed while {stage} ({exception.Message})",
            _ => null,
        };
        return reason is null ? null : new ModelDownloadException(model, modelPath, reason, exception, isTransient: true);
    }

    private TimeSpan RetryDelay(int failedAttempt, TimeSpan? retryAfter)
    {
        double backoffMs = options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, failedAttempt - 1);
        // ±20 % jitter, so clients that failed together do not come back in lockstep.
        backoffMs *= 0.8 + (0.4 * Random.Shared.NextDouble());
        var delay = TimeSpan.FromMilliseconds(Math.Max(backoffMs, retryAfter?.TotalMilliseconds ?? 0));
        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }

    private static HttpClient CreateSharedClient()
    {
        // Recycle pooled connections so DNS changes are seen; each wait is bounded by StallTimeout, not HttpClient.Timeout.
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        string version = typeof(ModelDownloader).Assembly.GetName().Version?.ToString(3) ?? "0";
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("FaceEmbeddings", version));
        return client;
    }
}
