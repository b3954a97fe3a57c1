namespace FaceEmbeddings.PostgreSql;

/// <summary>
/// A <see cref="PostgresFaceGallery"/> could not use its database. <see cref="Error"/> says what went wrong; the message
/// names the server, database and gallery and says what to do. The underlying Npgsql exception is the inner exception.
/// </summary>
public sealed class PostgresGalleryException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">What went wrong.</param>
    /// <param name="message">What happened and what to do about it.</param>
    /// <param name="innerException">The Npgsql exception behind it, if any.</param>
    public PostgresGalleryException(PostgresGalleryError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>What went wrong.</summary>
    public PostgresGalleryError Error { get; }
}
