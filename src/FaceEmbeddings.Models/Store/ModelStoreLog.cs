using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.Models.Store;

/// <summary>The events a <see cref="ModelStore"/> logs.</summary>
internal static partial class ModelStoreLog
{
    [LoggerMessage(1, LogLevel.Information, "Downloading model '{Model}' from {Uri} to '{Path}'")]
    public static partial void Downloading(ILogger logger, string model, Uri uri, string path);

    [LoggerMessage(2, LogLevel.Information, "Downloaded model '{Model}' to '{Path}': {Bytes} bytes, verified")]
    public static partial void Downloaded(ILogger logger, string model, string path, long bytes);

    [LoggerMessage(3, LogLevel.Warning, "Attempt {Attempt} of {MaxAttempts} to download model '{Model}' failed; retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, Exception failure, int attempt, int maxAttempts, string model, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Warning, "Cached copy of model '{Model}' at '{Path}' failed verification ({Problem}); replacing it")]
    public static partial void ReplacingInvalidFile(ILogger logger, string model, string path, string problem);

    [LoggerMessage(5, LogLevel.Information, "Waiting for another process that is downloading model '{Model}' to '{Path}'")]
    public static partial void WaitingForOtherProcess(ILogger logger, string model, string path);

    [LoggerMessage(6, LogLevel.Warning, "Could not record the SHA-256 of model '{Model}' beside '{Path}'; it will be vetted again next time")]
    public static partial void HashNotRecorded(ILogger logger, Exception failure, string model, string path);
}
