using System.Net.Sockets;
using Npgsql;

namespace FaceEmbeddings.PostgreSql;

/// <summary>Sorts Npgsql's exceptions into what may pass by itself (worth another try) and what the caller must fix.</summary>
internal static class PostgresFailures
{
    /// <summary>
    /// True when the same operation may succeed if tried again: the connection failed or was lost, the server is
    /// starting or stopping, or the transaction lost a deadlock or serialization race (Npgsql's own
    /// <see cref="NpgsqlException.IsTransient"/>, plus the shutdown codes).
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient || IsShutdown(postgres.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };

    /// <summary>True when the connection itself failed (as opposed to the server refusing a statement).</summary>
    public static bool IsConnectionLoss(Exception exception) => exception switch
    {
        PostgresException postgres => IsShutdown(postgres.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };

    /// <summary>
    /// The typed exception for <paramref name="exception"/>, or null when it is none of the failures this library
    /// explains (it is then rethrown as Npgsql threw it).
    /// </summary>
    public static PostgresGalleryException? Translate(Exception exception, GalleryLocation location)
    {
        if (exception is PostgresException postgres)
        {
            return postgres.SqlState switch
            {
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification => new(
                    PostgresGalleryError.AuthenticationFailed,
                    $"PostgreSQL at {location.Server} rejected user '{location.User}' ({postgres.MessageText}): check Username and Password in the connection string, and that the server's pg_hba.conf lets this user in.",
                    exception),
                PostgresErrorCodes.InvalidCatalogName => new(
                    PostgresGalleryError.DatabaseMissing,
                    $"Database '{location.Database}' does not exist on PostgreSQL at {location.Server}: create it (CREATE DATABASE \"{location.Database}\") or fix Database in the connection string.",
                    exception),
                PostgresErrorCodes.InsufficientPrivilege => new(
                    PostgresGalleryError.PermissionDenied,
                    $"User '{location.User}' may not use the gallery {location.Tables} in {location.Server}/{location.Database} ({postgres.MessageText}): grant it the rights, or let a role that has them create the tables (EnsureSchemaAsync).",
                    exception),
                _ when IsShutdown(postgres.SqlState) || postgres.SqlState == PostgresErrorCodes.TooManyConnections => Unavailable(location, postgres.MessageText, exception),
                _ => null,
            };
        }
        if (exception is NpgsqlException { IsTransient: true } || exception is NpgsqlException { InnerException: SocketException or TimeoutException })
            return Unavailable(location, exception.InnerException?.Message ?? exception.Message, exception);
        return null;
    }

    private static PostgresGalleryException Unavailable(GalleryLocation location, string reason, Exception exception) => new(
        PostgresGalleryError.ServerUnavailable,
        $"PostgreSQL at {location.Server} could not be reached or the connection was lost ({reason}): check that the server is running and that Host and Port in the connection string point to it. Nothing was written by the failed call, unless a later error says its commit's outcome is unknown.",
        exception);

    /// <summary>Connection-class errors (08…) and the server shutting down, crashing or starting (57P01–57P03).</summary>
    private static bool IsShutdown(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) ||
        sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;
}
