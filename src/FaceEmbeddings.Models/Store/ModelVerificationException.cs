namespace FaceEmbeddings.Models.Store;

/// <summary>
/// The bytes obtained for a model are not the model: wrong length, wrong SHA-256, or (for a model without a trusted
/// hash) a file its structure validator rejects, or no way to verify it at all. The rejected bytes are never left where
/// the model belongs.
/// </summary>
public sealed class ModelVerificationException : ModelStoreException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ModelVerificationException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public ModelVerificationException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public ModelVerificationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    internal ModelVerificationException(string message, ModelInfo model, string localPath, Exception? innerException = null)
        : base(message, model, localPath, innerException)
    {
    }
}
