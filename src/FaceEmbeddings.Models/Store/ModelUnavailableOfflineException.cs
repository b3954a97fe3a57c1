namespace FaceEmbeddings.Models.Store;

/// <summary>
/// The store is offline (<see cref="ModelStoreOptions.Offline"/> or <c>FACEEMBEDDINGS_OFFLINE=1</c>) and a model is not
/// in it, or its copy fails verification. The message says which file to put where and where to get it.
/// </summary>
public sealed class ModelUnavailableOfflineException : ModelStoreException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ModelUnavailableOfflineException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public ModelUnavailableOfflineException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public ModelUnavailableOfflineException(string message, Exception innerException) : base(message, innerException)
    {
    }

    internal ModelUnavailableOfflineException(string message, ModelInfo model, string localPath)
        : base(message, model, localPath, innerException: null)
    {
    }
}
