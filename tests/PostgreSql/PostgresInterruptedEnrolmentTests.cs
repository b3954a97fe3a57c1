using FaceEmbeddings.PostgreSql;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FaceEmbeddings.Tests.PostgreSql;

/// <summary>
/// An enrolment whose connection dies half-way, after its identity row is written and while its faces are being copied:
/// the server ends the session as it does when the client process is killed, so the transaction is rolled back and no
/// partial identity is left; a retry after the failure writes the faces once.
/// </summary>
[RequiresPostgres]
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresInterruptedEnrolmentTests : IAsyncLifetime
{
    private const int Size = 16;
    private static readonly GalleryDescriptor Descriptor = new("synthetic", Size);
    private readonly PostgresTestGallery tables = new();
    private readonly NpgsqlDataSource admin = NpgsqlDataSource.Create(PostgresServer.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await tables.DropAsync();
        await admin.DisposeAsync();
    }

    [Fact]
    public async Task A_session_ended_mid_copy_leaves_no_trace_of_the_identity_and_the_gallery_stays_usable()
    {
        var gallery = tables.Open(Descriptor, new PostgresFaceGalleryOptions { RetryCount = 0 });
        using var faces = ClusteredEmbeddings.Faces(2, 5, Size, 0.3f, seed: 31);
        using (var alice = faces.narrow(0, 0, 5)) await gallery.EnrollAsync("alice", alice);

        using var bob = faces.narrow(0, 5, 5);
        await using (var blocker = await BlockFaceCopiesAsync())
        {
            Task enrolment = gallery.EnrollAsync("bob", bob);
            int backend = await WaitForCopyWaitingAsync(exceptBackend: null);
            await TerminateAsync(backend);

            (await FluentActions.Awaiting(() => enrolment).Should().ThrowAsync<PostgresGalleryException>())
                .Which.Error.Should().Be(PostgresGalleryError.ServerUnavailable);
        }

        (await gallery.CountAsync()).Should().Be(new GalleryCounts(1, 5));
        (await gallery.ListIdentitiesAsync()).Select(identity => identity.Name).Should().Equal("alice");
        (await RowCountAsync("faces")).Should().Be(5, "the faces of the rolled-back enrolment must not outlive it");
        (await RowCountAsync("identities")).Should().Be(1);

        await gallery.EnrollAsync("bob", bob);
        (await gallery.CountAsync()).Should().Be(new GalleryCounts(2, 10));
        var found = await gallery.SearchAsync(bob);
        found.Select(result => result.Best!.Identity).Should().OnlyContain(name => name == "bob");
    }

    [Fact]
    public async Task A_retry_after_the_session_was_ended_enrols_every_face_once_and_is_logged()
    {
        var logs = new LogCapture();
        using var loggers = new LoggerFactory([logs]);
        var gallery = tables.Open(Descriptor, new PostgresFaceGalleryOptions { RetryCount = 3, RetryDelay = TimeSpan.FromMilliseconds(10) },
            loggers.CreateLogger<PostgresFaceGallery>());
        using var faces = ClusteredEmbeddings.Faces(1, 7, Size, 0.3f, seed: 32);
        await gallery.EnsureSchemaAsync();

        Task enrolment;
        await using (var blocker = await BlockFaceCopiesAsync())
        {
            enrolment = gallery.EnrollAsync("carol", faces);
            int first = await WaitForCopyWaitingAsync(exceptBackend: null);
            await TerminateAsync(first);
            await WaitForCopyWaitingAsync(exceptBackend: first); // the second try, on a new connection, waits for the lock again
        }
        await enrolment;

        (await gallery.CountAsync()).Should().Be(new GalleryCounts(1, 7));
        (await RowCountAsync("faces")).Should().Be(7);
        logs.Entries.Should().ContainSingle(entry => entry.EventId.Id == 304).Which.Message.Should().Match($"Created the gallery *{tables.Prefix}*synthetic, 16-d, Euclidean*");
        logs.Entries.Should().ContainSingle(entry => entry.EventId.Id == 301).Which.Should().Match<LogEntry>(entry =>
            entry.Level == LogLevel.Warning && entry.Message.Contains(tables.Prefix) && entry.Message.Contains("(try 1 of 4)"));
    }

    /// <summary>Opens a transaction holding a lock that lets identities be written but makes every COPY into the faces table wait.</summary>
    private async Task<IAsyncDisposable> BlockFaceCopiesAsync()
    {
        var connection = await admin.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"LOCK TABLE {tables.Prefix}_faces IN SHARE MODE", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return new LockHolder(connection, transaction);
    }

    /// <summary>The backend process of the enrolment waiting for the lock in its COPY (a new one when <paramref name="exceptBackend"/> is given).</summary>
    private async Task<int> WaitForCopyWaitingAsync(int? exceptBackend)
    {
        string sql = $"""
            SELECT pid FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND query LIKE 'COPY %{tables.Prefix}_faces%' AND pid <> $1
            """;
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(20))
        {
            await using var command = admin.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = exceptBackend ?? 0 });
            if (await command.ExecuteScalarAsync() is int pid)
                return pid;
        }
        throw new TimeoutException("No enrolment came to wait in its COPY within 30 s.");
    }

    private async Task TerminateAsync(int backend)
    {
        await using var command = admin.CreateCommand("SELECT pg_terminate_backend($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = backend });
        (await command.ExecuteScalarAsync()).Should().Be(true);
    }

    private async Task<long> RowCountAsync(string table)
    {
        await using var command = admin.CreateCommand($"SELECT count(*) FROM {tables.Prefix}_{table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Releases the lock (rolls its transaction back) and the connection.</summary>
    private sealed class LockHolder(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
