using System.Net;

namespace FaceEmbeddings.Models.Store;

/// <summary>
/// A model could not be downloaded: the server answered with an error, the connection broke or stalled on every
/// attempt, or the file could not be written into the store. Nothing is left where the model belongs.
/// </summary>
public sealed class ModelDownloadException : ModelStoreException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ModelDownloadException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public ModelDownloadException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public ModelDownloadException(string message, Exception innerException) : base(message, innerException)
    {
    }

    internal ModelDownloadException(ModelInfo model, string localPath, string reason, Exception? innerException = null,
        bool isTransient = false, HttpStatusCode? statusCode = null, TimeSpan? retryAfter = null, int attempts = 1)
        : base(DescribeFailure(model, localPath, reason, attempts), model, localPath, innerException)
    {
        Reason = reason;
        IsTransient = isTransient;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
        Attempts = attempts;
    }

    /// <summary>True when the failure may pass (a broken or stalled connection, HTTP 408, 429 or 5xx): trying later may succeed.</summary>
    public bool IsTransient { get; }

    /// <summary>The HTTP status of the last response, when the server answered with an error.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; }

    /// <summary>The wait the server asked for in <c>Retry-After</c>.</summary>
    internal TimeSpan? RetryAfter { get; }

    /// <summary>What went wrong, without the model, address and path the message adds.</summary>
    internal string? Reason { get; }

    private static string DescribeFailure(ModelInfo model, string localPath, string reason, int attempts) =>
        attempts == 1
            ? $"Could not download model '{model.Name}' from {model.DownloadUri} to '{localPath}': {reason}."
            : $"Could not download model '{model.Name}' from {model.DownloadUri} to '{localPath}': {attempts} attempts failed, the last because {reason}.";
}
