namespace FaceEmbeddings.PostgreSql;

/// <summary>What went wrong in a <see cref="PostgresGalleryException"/>, so that callers can react without parsing messages.</summary>
public enum PostgresGalleryError
{
    /// <summary>The server could not be reached, refused connections, or the connection was lost (it may be down or restarting).</summary>
    ServerUnavailable,

    /// <summary>The server rejected the user name or password.</summary>
    AuthenticationFailed,

    /// <summary>The database named in the connection string does not exist.</summary>
    DatabaseMissing,

    /// <summary>The role may not do what the gallery asked (create tables, read or write them).</summary>
    PermissionDenied,

    /// <summary>The pgvector extension (<c>vector</c>) is not installed in the database, not available on the server, or too old.</summary>
    ExtensionMissing,

    /// <summary>The gallery's tables do not exist and <see cref="PostgresFaceGalleryOptions.CreateSchema"/> is false.</summary>
    SchemaMissing,

    /// <summary>The tables exist but were made by another schema version, or with another storage than the options ask for.</summary>
    SchemaMismatch,

    /// <summary>
    /// The connection was lost while a write was being committed: it may or may not have been applied. Read the
    /// gallery (counts, identities) before writing it again.
    /// </summary>
    CommitOutcomeUnknown,
}
