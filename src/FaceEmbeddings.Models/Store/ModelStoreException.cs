namespace FaceEmbeddings.Models.Store;

/// <summary>
/// Base of the errors of <see cref="ModelStore"/>: a model could not be provided. The message names the model, its
/// download address and the local path; so do <see cref="ModelName"/>, <see cref="DownloadUri"/> and <see cref="LocalPath"/>.
/// </summary>
public class ModelStoreException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public ModelStoreException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public ModelStoreException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public ModelStoreException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about <paramref name="model"/> stored at <paramref name="localPath"/>.</summary>
    protected ModelStoreException(string message, ModelInfo model, string localPath, Exception? innerException)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelName = model.Name;
        DownloadUri = model.DownloadUri;
        LocalPath = localPath;
    }

    /// <summary>The model that could not be provided.</summary>
    public string? ModelName { get; }

    /// <summary>Where the model is downloaded from.</summary>
    public Uri? DownloadUri { get; }

    /// <summary>Where the model belongs locally.</summary>
    public string? LocalPath { get; }
}
