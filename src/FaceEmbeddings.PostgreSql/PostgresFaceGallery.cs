using FaceEmbeddings.Detection;
using System.Data;
using System.Globalization;
using System.Text.Json;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using static TorchSharp.torch;

namespace FaceEmbeddings.PostgreSql;

/// <summary>
/// A face gallery in PostgreSQL with the pgvector extension: many processes and machines enrol and search the same
/// gallery, the database keeps it (transactions, backups, replicas), and an HNSW index answers searches of millions
/// of faces in milliseconds. Same semantics as <see cref="InMemoryFaceGallery"/>.
/// </summary>
/// <remarks>
/// <para>Tables (see <see cref="PostgresFaceGalleryOptions.TablePrefix"/>): <c>{prefix}_identities</c> (name,
/// metadata as jsonb, face count, centroid), <c>{prefix}_faces</c> (id, identity, embedding) and <c>{prefix}_info</c>
/// (schema version and the <see cref="GalleryDescriptor"/>). They are created on first use, or by
/// <see cref="EnsureSchemaAsync"/>; tables made for another descriptor are refused with
/// <see cref="GalleryDescriptorMismatchException"/>.</para>
/// <para>Each enrolment and removal is one transaction (faces are bulk-loaded with binary COPY): a search, another
/// process, or the database after a crash sees all of it or nothing. Each search call reads one snapshot.</para>
/// <para>Searches by closest face ask the index for the (k − 1)·F + 1 nearest faces, F being the most faces of any
/// identity, and keep the nearest face of each identity: the k nearest identities are always among them. Centroids
/// (the mean of an identity's faces) are kept up to date by every enrolment and removal and have their own index.</para>
/// <para>Failures: <see cref="PostgresGalleryException"/> with a <see cref="PostgresGalleryError"/> for an unreachable
/// server, wrong credentials, a missing database, extension or tables, or missing rights. Transient failures are tried
/// again (<see cref="PostgresFaceGalleryOptions.RetryCount"/>); a write is tried again only when it failed before its
/// commit, and a connection lost during the commit gives <see cref="PostgresGalleryError.CommitOutcomeUnknown"/>.</para>
/// <para>Thread-safe: every call takes its own pooled connection.</para>
/// </remarks>
public sealed class PostgresFaceGallery : IFaceGallery, IAsyncDisposable
{
    /// <summary>The oldest pgvector with iterative index scans, which identity-level top-k searches rely on.</summary>
    private static readonly Version MinimumPgvector = new(0, 8, 0);

    /// <summary>pgvector's largest HNSW-indexable dimension per storage.</summary>
    private const int MaximumIndexedVectorSize = 2000, MaximumIndexedHalfVectorSize = 4000;

    /// <summary>Queries sent in one batch (one round trip).</summary>
    private const int QueriesPerBatch = 64;

    private readonly NpgsqlDataSource dataSource;
    private readonly bool ownsDataSource;
    private readonly PostgresFaceGalleryOptions options;
    private readonly GallerySql sql;
    private readonly GalleryLocation location;
    private readonly ILogger logger;
    private readonly Lock readyGate = new();
    private Task? ready;

    /// <summary>
    /// Opens the gallery at <paramref name="connectionString"/> (e.g. <c>Host=db;Database=faces;Username=app;Password=…</c>),
    /// on a data source of its own that disposing the gallery closes. Nothing is sent to the server yet.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="descriptor">Model, embedding size and metric of the faces the gallery holds.</param>
    /// <param name="options">Tables, storage, index and search settings; defaults as documented there.</param>
    /// <param name="logger">Receives retries, schema creation and index builds; none by default.</param>
    /// <exception cref="ArgumentException">The connection string, descriptor or an option is invalid.</exception>
    public PostgresFaceGallery(string connectionString, GalleryDescriptor descriptor, PostgresFaceGalleryOptions? options = null,
        ILogger<PostgresFaceGallery>? logger = null)
        : this(BuildDataSource(connectionString), descriptor, options, logger, ownsDataSource: true)
    {
    }

    /// <summary>
    /// Opens the gallery on <paramref name="dataSource"/>, which must have been built with pgvector's
    /// <c>UseVector()</c> (<c>builder.UseVector()</c> on an <c>NpgsqlDataSourceBuilder</c>, then <c>builder.Build()</c>). The caller keeps it: disposing the
    /// gallery leaves it open. Nothing is sent to the server yet.
    /// </summary>
    /// <param name="dataSource">Connections to the database, with pgvector's types.</param>
    /// <param name="descriptor">Model, embedding size and metric of the faces the gallery holds.</param>
    /// <param name="options">Tables, storage, index and search settings; defaults as documented there.</param>
    /// <param name="logger">Receives retries, schema creation and index builds; none by default.</param>
    /// <exception cref="ArgumentException">The descriptor or an option is invalid.</exception>
    public PostgresFaceGallery(NpgsqlDataSource dataSource, GalleryDescriptor descriptor, PostgresFaceGalleryOptions? options = null,
        ILogger<PostgresFaceGallery>? logger = null)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), descriptor, options, logger, ownsDataSource: false)
    {
    }

    private PostgresFaceGallery(NpgsqlDataSource dataSource, GalleryDescriptor descriptor, PostgresFaceGalleryOptions? options,
        ILogger? logger, bool ownsDataSource)
    {
        this.dataSource = dataSource;
        this.ownsDataSource = ownsDataSource;
        this.logger = logger ?? NullLogger.Instance;
        try
        {
            ArgumentNullException.ThrowIfNull(descriptor);
            descriptor.Validate();
            options ??= new PostgresFaceGalleryOptions();
            options.Validate();
            int indexLimit = options.Storage == PostgresEmbeddingStorage.HalfVector ? MaximumIndexedHalfVectorSize : MaximumIndexedVectorSize;
            if (options.CreateIndex && descriptor.EmbeddingSize > indexLimit)
                throw new ArgumentException(
                    $"pgvector's HNSW index takes at most {indexLimit} dimensions with {options.Storage} storage; the descriptor has {descriptor.EmbeddingSize}. Set {nameof(PostgresFaceGalleryOptions.CreateIndex)} = false (exact search) or use {PostgresEmbeddingStorage.HalfVector}.",
                    nameof(options));
            Descriptor = descriptor;
            this.options = options;
            sql = new GallerySql(descriptor, options);
            location = GalleryLocation.Of(dataSource, options);
        }
        catch
        {
            if (ownsDataSource) dataSource.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the gallery at <paramref name="connectionString"/> and checks its schema (<see cref="EnsureSchemaAsync"/>).
    /// With <paramref name="expected"/> null the gallery must exist, and is opened with the descriptor and storage it
    /// was created with (as a tool that lists or searches any gallery does); otherwise it is created when missing.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="expected">The descriptor the caller's embeddings have, or null to take the stored one.</param>
    /// <param name="options">Tables, storage, index and search settings (with <paramref name="expected"/> null, the storage is the stored one).</param>
    /// <param name="logger">Receives retries, schema creation and index builds; none by default.</param>
    /// <param name="cancellationToken">Cancels the opening.</param>
    /// <exception cref="PostgresGalleryException">The server is unreachable, or (with <paramref name="expected"/> null) there is no such gallery.</exception>
    /// <exception cref="GalleryDescriptorMismatchException">The gallery holds embeddings of another model, size or metric than <paramref name="expected"/>.</exception>
    public static async Task<PostgresFaceGallery> OpenAsync(string connectionString, GalleryDescriptor? expected = null,
        PostgresFaceGalleryOptions? options = null, ILogger<PostgresFaceGallery>? logger = null, CancellationToken cancellationToken = default)
    {
        options ??= new PostgresFaceGalleryOptions();
        if (expected is null)
        {
            // Read the stored descriptor through a gallery of a placeholder descriptor that never touches the schema.
            using var probe = new PostgresFaceGallery(connectionString, new GalleryDescriptor("-", 1), options with { CreateSchema = false });
            (expected, PostgresEmbeddingStorage storage) = await probe.ReadStoredAsync(cancellationToken).ConfigureAwait(false);
            options = options with { Storage = storage };
        }
        var gallery = new PostgresFaceGallery(connectionString, expected, options, logger);
        try
        {
            await gallery.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            return gallery;
        }
        catch
        {
            await gallery.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public GalleryDescriptor Descriptor { get; }

    /// <summary>Where the gallery lives, as messages name it: <c>postgresql://host:port/database (tables schema.prefix_*)</c>, never the password.</summary>
    public string Location => location.ToString();

    /// <summary>The settings the gallery was opened with.</summary>
    public PostgresFaceGalleryOptions Options => options;

    /// <summary>
    /// Makes sure the database holds this gallery and that it fits: the <c>vector</c> extension (0.8 or later), the
    /// tables of <see cref="PostgresFaceGalleryOptions.TablePrefix"/> with this <see cref="Descriptor"/> and storage,
    /// and (with <see cref="PostgresFaceGalleryOptions.CreateIndex"/>) the HNSW indexes. Creates what is missing when
    /// <see cref="PostgresFaceGalleryOptions.CreateSchema"/> allows. Every other method does this on first use; call it
    /// to fail early. Safe to call from several processes at once.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the check itself goes on for the other callers).</param>
    /// <exception cref="PostgresGalleryException">The server is unreachable, the extension or tables are missing and may not be created, or the tables have another schema version or storage.</exception>
    /// <exception cref="GalleryDescriptorMismatchException">The tables hold embeddings of another model, size or metric.</exception>
    /// <exception cref="InvalidOperationException">The data source was built without <c>UseVector()</c>.</exception>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        Task check;
        lock (readyGate)
        {
            if (ready is null || ready.IsFaulted || ready.IsCanceled)
                ready = PrepareSchemaAsync();
            check = ready;
        }
        return check.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Removes the gallery's tables, with every identity and face (the <c>vector</c> extension stays). The next use
    /// creates them anew when <see cref="PostgresFaceGalleryOptions.CreateSchema"/> allows.
    /// </summary>
    /// <param name="cancellationToken">Cancels before the tables are dropped.</param>
    public async Task DropAsync(CancellationToken cancellationToken = default)
    {
        await WriteAsync(async (connection, cancel) =>
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext($1))", cancel, GallerySql.SchemaLockKey).ConfigureAwait(false);
            await ExecuteAsync(connection, sql.DropTables, cancel).ConfigureAwait(false);
            return true;
        }, cancellationToken, ensureSchema: false).ConfigureAwait(false);
        lock (readyGate) ready = null;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The identity is empty, a string holds a NUL character (PostgreSQL's text cannot), or the embeddings do not fit <see cref="Descriptor"/>.</exception>
    /// <exception cref="PostgresGalleryException">The database could not be used; nothing was written (except under <see cref="PostgresGalleryError.CommitOutcomeUnknown"/>).</exception>
    public async Task<IReadOnlyList<long>> EnrollAsync(string identity, Tensor embeddings, IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        RequireIdentity(identity);
        string? metadataJson = metadata is null ? null : MetadataJson(metadata);
        EmbeddingRowsOnHost rows = EmbeddingRowsOnHost.Read(Descriptor, embeddings, nameof(embeddings));
        cancellationToken.ThrowIfCancellationRequested();
        return await WriteAsync<IReadOnlyList<long>>(async (connection, cancel) =>
        {
            long identityId = 0;
            var ids = new long[rows.Count];
            await using (var reserve = Command(connection, sql.UpsertIdentityAndReserveFaceIds, identity, Jsonb(metadataJson), rows.Count))
            await using (var reader = await reserve.ExecuteReaderAsync(cancel).ConfigureAwait(false))
            {
                for (int i = 0; await reader.ReadAsync(cancel).ConfigureAwait(false); i++)
                    (identityId, ids[i]) = (reader.GetInt64(0), reader.GetInt64(1));
            }
            await using (var writer = await connection.BeginBinaryImportAsync(sql.CopyFaces, cancel).ConfigureAwait(false))
            {
                for (int i = 0; i < rows.Count; i++)
                {
                    await writer.StartRowAsync(cancel).ConfigureAwait(false);
                    await writer.WriteAsync(ids[i], NpgsqlDbType.Bigint, cancel).ConfigureAwait(false);
                    await writer.WriteAsync(identityId, NpgsqlDbType.Bigint, cancel).ConfigureAwait(false);
                    if (options.Storage == PostgresEmbeddingStorage.HalfVector)
                        await writer.WriteAsync(rows.HalfVector(i), cancel).ConfigureAwait(false);
                    else
                        await writer.WriteAsync(rows.Vector(i), cancel).ConfigureAwait(false);
                }
                await writer.CompleteAsync(cancel).ConfigureAwait(false);
            }
            await ScalarAsync(connection, sql.UpdateIdentity, cancel, identityId, rows.Count).ConfigureAwait(false);
            return ids;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Deletes the identity's row and, in the same transaction, its faces' rows. As with any PostgreSQL DELETE, the
    /// deleted row versions stay in the table's and the HNSW index's pages until VACUUM (autovacuum, or
    /// <c>VACUUM {prefix}_faces, {prefix}_identities</c>) reclaims them, and until those pages are reused they can be
    /// read from the data files; the write-ahead log, WAL archives, replicas' history and backups made before the
    /// deletion keep them for as long as those are kept. docs/privacy.md says how to bound that.
    /// </remarks>
    public Task<bool> RemoveIdentityAsync(string identity, CancellationToken cancellationToken = default)
    {
        RequireIdentity(identity);
        return WriteAsync(async (connection, cancel) =>
            await ExecuteAsync(connection, sql.RemoveIdentity, cancel, identity).ConfigureAwait(false) > 0, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveFaceAsync(long faceId, CancellationToken cancellationToken = default) =>
        WriteAsync(async (connection, cancel) =>
        {
            // The identity's row first, as enrolments lock it, so that its count and centroid follow its faces.
            if (await ScalarAsync(connection, sql.LockIdentityOfFace, cancel, faceId).ConfigureAwait(false) is not long identityId)
                return false;
            if (await ExecuteAsync(connection, sql.RemoveFace, cancel, faceId).ConfigureAwait(false) == 0)
                return false;
            int left = (int)(await ScalarAsync(connection, sql.UpdateIdentity, cancel, identityId, -1).ConfigureAwait(false))!;
            if (left == 0)
                await ExecuteAsync(connection, sql.RemoveIdentityById, cancel, identityId).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<GalleryCounts> CountAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(async (connection, cancel) =>
        {
            await using var command = Command(connection, sql.Count);
            await using var reader = await command.ExecuteReaderAsync(cancel).ConfigureAwait(false);
            await reader.ReadAsync(cancel).ConfigureAwait(false);
            return new GalleryCounts(checked((int)reader.GetInt64(0)), reader.GetInt64(1));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<GalleryIdentity>> ListIdentitiesAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<GalleryIdentity>>(async (connection, cancel) =>
        {
            var identities = new List<GalleryIdentity>();
            await using var command = Command(connection, sql.ListIdentities);
            await using var reader = await command.ExecuteReaderAsync(cancel).ConfigureAwait(false);
            while (await reader.ReadAsync(cancel).ConfigureAwait(false))
                identities.Add(new GalleryIdentity(reader.GetString(0), reader.GetInt32(1), ParseMetadata(reader.GetString(2))));
            // Ordinal order, as .NET compares: the server's collation may order otherwise.
            identities.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return identities;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<GallerySearchResult>> SearchAsync(Tensor queries, GallerySearchOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new GallerySearchOptions();
        options.Validate();
        EmbeddingRowsOnHost rows = EmbeddingRowsOnHost.Read(Descriptor, queries, nameof(queries));
        return ReadAsync<IReadOnlyList<GallerySearchResult>>(async (connection, cancel) =>
        {
            long mostFaces;
            await using (var prepare = Command(connection, sql.PrepareSearch, this.options.EfSearch.ToString(CultureInfo.InvariantCulture)))
            await using (var reader = await prepare.ExecuteReaderAsync(cancel).ConfigureAwait(false))
            {
                await reader.ReadAsync(cancel).ConfigureAwait(false);
                mostFaces = reader.GetInt32(2);
            }
            var results = new GallerySearchResult[rows.Count];
            if (mostFaces == 0)
            {
                Array.Fill(results, new GallerySearchResult([]));
                return results;
            }
            bool byCentroid = options.Scoring == IdentityScoring.Centroid;
            long candidates = byCentroid ? options.TopK : (options.TopK - 1) * mostFaces + 1;
            string query = byCentroid ? sql.NearestCentroids(this.options.ExactSearch) : sql.NearestFaces(this.options.ExactSearch);
            for (int first = 0; first < rows.Count; first += QueriesPerBatch)
            {
                int count = Math.Min(QueriesPerBatch, rows.Count - first);
                await using var batch = new NpgsqlBatch(connection);
                for (int q = first; q < first + count; q++)
                {
                    var command = new NpgsqlBatchCommand(query);
                    command.Parameters.Add(new NpgsqlParameter { Value = rows.Vector(q) });
                    command.Parameters.Add(new NpgsqlParameter { Value = candidates });
                    batch.BatchCommands.Add(command);
                }
                await using var reader = await batch.ExecuteReaderAsync(cancel).ConfigureAwait(false);
                for (int q = first; q < first + count; q++)
                {
                    var found = new List<(long Id, string Name, double Distance)>();
                    while (await reader.ReadAsync(cancel).ConfigureAwait(false))
                        found.Add((reader.GetInt64(0), reader.GetString(1), Distance(reader.GetDouble(2))));
                    results[q] = Rank(found, options, byCentroid);
                    await reader.NextResultAsync(cancel).ConfigureAwait(false);
                }
            }
            return results;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsDataSource) dataSource.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ownsDataSource ? dataSource.DisposeAsync() : ValueTask.CompletedTask;

    private static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlDataSourceBuilder builder;
        try
        {
            builder = new NpgsqlDataSourceBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"'{nameof(connectionString)}' is not a valid Npgsql connection string ({e.Message}).", nameof(connectionString), e);
        }
        builder.UseVector();
        return builder.Build();
    }

    /// <summary>The metric's distance from pgvector's: its L2 distance squared for <see cref="DistanceMetric.SquaredEuclidean"/>.</summary>
    private double Distance(double raw) => Descriptor.Metric == DistanceMetric.SquaredEuclidean ? raw * raw : raw;

    /// <summary>
    /// The nearest identities among candidate rows: by (distance, id) so that ties break as they do in memory, the
    /// nearest face of each identity, those under the threshold, at most top-k.
    /// </summary>
    private static GallerySearchResult Rank(List<(long Id, string Name, double Distance)> found, GallerySearchOptions options, bool byCentroid)
    {
        found.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Id.CompareTo(b.Id));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var matches = new List<IdentityMatch>(Math.Min(options.TopK, found.Count));
        foreach ((long id, string name, double distance) in found)
        {
            if (matches.Count == options.TopK || distance >= (options.Threshold ?? double.PositiveInfinity)) break;
            if (seen.Add(name)) matches.Add(new IdentityMatch(name, distance, byCentroid ? null : id));
        }
        return new GallerySearchResult(matches);
    }

    private async Task PrepareSchemaAsync()
    {
        bool createdExtension = await WriteAsync(async (connection, cancel) =>
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext($1))", cancel, GallerySql.SchemaLockKey).ConfigureAwait(false);
            bool created = await EnsureExtensionAsync(connection, cancel).ConfigureAwait(false);
            if (await ScalarAsync(connection, "SELECT to_regclass($1) IS NOT NULL", cancel, sql.Info).ConfigureAwait(false) is true)
            {
                await CheckInfoAsync(connection, cancel).ConfigureAwait(false);
            }
            else if (options.CreateSchema)
            {
                await ExecuteAsync(connection, sql.CreateTables, cancel).ConfigureAwait(false);
                await ExecuteAsync(connection, sql.InsertInfo, cancel,
                    Descriptor.Model, Descriptor.EmbeddingSize, Descriptor.Metric.ToString(), options.Storage.ToString(), Descriptor.Geometry).ConfigureAwait(false);
                PostgresGalleryLog.TablesCreated(logger, Location, Descriptor.Model, Descriptor.EmbeddingSize, Descriptor.Metric.ToString(), options.Storage.ToString());
            }
            else
            {
                throw new PostgresGalleryException(PostgresGalleryError.SchemaMissing,
                    $"The gallery {location} does not exist and {nameof(PostgresFaceGalleryOptions.CreateSchema)} is false: let a role that may create tables call {nameof(EnsureSchemaAsync)} once.");
            }
            if (options.CreateIndex && options.CreateSchema && await ScalarAsync(connection, sql.IndexesExist, cancel).ConfigureAwait(false) is false)
            {
                // Building an index over an existing gallery takes minutes: no command timeout for it.
                PostgresGalleryLog.IndexBuilding(logger, Location, options.HnswM, options.HnswEfConstruction);
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                await using var build = Command(connection, sql.CreateIndexes);
                build.CommandTimeout = 0;
                await build.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
                PostgresGalleryLog.IndexBuilt(logger, Location, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
            return created;
        }, CancellationToken.None, ensureSchema: false).ConfigureAwait(false);

        // Npgsql learns the server's types when a data source first connects: after CREATE EXTENSION it must look again.
        if (createdExtension)
            await dataSource.ReloadTypesAsync(CancellationToken.None).ConfigureAwait(false);
        await ReadAsync(async (connection, cancel) =>
        {
            try
            {
                return await ScalarAsync(connection, "SELECT $1::vector IS NOT NULL", cancel, new Vector(new float[] { 0 })).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidCastException or NotSupportedException)
            {
                throw new InvalidOperationException(
                    $"The Npgsql data source of the gallery {location} does not know pgvector's types: build it with NpgsqlDataSourceBuilder.UseVector() (package Pgvector).", e);
            }
        }, CancellationToken.None, ensureSchema: false).ConfigureAwait(false);
    }

    /// <summary>Checks (and when allowed creates) the <c>vector</c> extension; true when it created it.</summary>
    private async Task<bool> EnsureExtensionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string InstalledVersion = "SELECT extversion FROM pg_extension WHERE extname = 'vector'";
        bool created = false;
        if (await ScalarAsync(connection, InstalledVersion, cancellationToken).ConfigureAwait(false) is not string version)
        {
            string howTo = $"a superuser must run CREATE EXTENSION vector; in database '{location.Database}' on {location.Server} (pgvector 0.8 or later must be installed on the server: the postgresql-NN-pgvector package, the pgvector/pgvector container image, or a build from pgvector's source)";
            if (!options.CreateSchema)
                throw new PostgresGalleryException(PostgresGalleryError.ExtensionMissing, $"The pgvector extension is not installed in the gallery's database: {howTo}.");
            try
            {
                // A savepoint, so that a refusal leaves the transaction usable for the typed error.
                await ExecuteAsync(connection, "SAVEPOINT create_vector; CREATE EXTENSION IF NOT EXISTS vector; RELEASE SAVEPOINT create_vector", cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.UndefinedFile or PostgresErrorCodes.FeatureNotSupported)
            {
                throw new PostgresGalleryException(PostgresGalleryError.ExtensionMissing,
                    $"The pgvector extension is not installed in the gallery's database and user '{location.User}' could not create it ({e.MessageText}): {howTo}.", e);
            }
            version = (string)(await ScalarAsync(connection, InstalledVersion, cancellationToken).ConfigureAwait(false))!;
            created = true;
            PostgresGalleryLog.ExtensionCreated(logger, Location);
        }
        if (!Version.TryParse(version.Split('-')[0], out Version? parsed) || parsed < MinimumPgvector)
            throw new PostgresGalleryException(PostgresGalleryError.ExtensionMissing,
                $"The gallery needs pgvector {MinimumPgvector.ToString(2)} or later, but database '{location.Database}' on {location.Server} has {version}: install a newer pgvector on the server and run ALTER EXTENSION vector UPDATE;.");
        return created;
    }

    private async Task CheckInfoAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        (GalleryDescriptor stored, PostgresEmbeddingStorage storage) = await ReadInfoAsync(connection, cancellationToken).ConfigureAwait(false);
        if (stored != Descriptor)
            throw new GalleryDescriptorMismatchException(location.ToString(), Descriptor, stored);
        if (storage != options.Storage)
            throw new PostgresGalleryException(PostgresGalleryError.SchemaMismatch,
                $"The gallery {location} stores embeddings as {storage}, but the options ask for {options.Storage}: open it with {nameof(PostgresFaceGalleryOptions.Storage)} = {storage}.");
    }

    /// <summary>The descriptor and storage the gallery's tables were made with; <see cref="PostgresGalleryError.SchemaMissing"/> when there are none.</summary>
    private Task<(GalleryDescriptor Descriptor, PostgresEmbeddingStorage Storage)> ReadStoredAsync(CancellationToken cancellationToken) =>
        ReadAsync(async (connection, cancel) =>
        {
            if (await ScalarAsync(connection, "SELECT to_regclass($1) IS NOT NULL", cancel, sql.Info).ConfigureAwait(false) is not true)
                throw new PostgresGalleryException(PostgresGalleryError.SchemaMissing,
                    $"There is no gallery {location}: create it first (e.g. 'faceembed gallery add', or {nameof(EnsureSchemaAsync)} with a descriptor).");
            return await ReadInfoAsync(connection, cancel).ConfigureAwait(false);
        }, cancellationToken, ensureSchema: false);

    private async Task<(GalleryDescriptor Descriptor, PostgresEmbeddingStorage Storage)> ReadInfoAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql.ReadInfo);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            throw new PostgresGalleryException(PostgresGalleryError.SchemaMismatch, $"The gallery {location} has no info row: its tables were not made by this library, or were altered. Use another {nameof(PostgresFaceGalleryOptions.TablePrefix)}.");
        int version = reader.GetInt32(0);
        if (version != GallerySql.SchemaVersion)
            throw new PostgresGalleryException(PostgresGalleryError.SchemaMismatch,
                $"The gallery {location} has schema version {version}, but this library reads version {GallerySql.SchemaVersion}: use the FaceEmbeddings.PostgreSql version that made it, or another {nameof(PostgresFaceGalleryOptions.TablePrefix)}.");
        string metricName = reader.GetString(3), storageName = reader.GetString(4);
        if (!Enum.TryParse(metricName, out DistanceMetric metric) || !Enum.TryParse(storageName, out PostgresEmbeddingStorage storage))
            throw new PostgresGalleryException(PostgresGalleryError.SchemaMismatch, $"The gallery {location} records metric '{metricName}' and storage '{storageName}', which this library does not know.");
        string geometry = reader.IsDBNull(5) ? FaceCropGeometry.UnalignedName : reader.GetString(5);
        return (new GalleryDescriptor(reader.GetString(1), reader.GetInt32(2), metric, geometry), storage);
    }

    private Task<T> ReadAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken, bool ensureSchema = true) =>
        RunAsync(read, IsolationLevel.RepeatableRead, isWrite: false, ensureSchema, cancellationToken);

    private Task<T> WriteAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> write, CancellationToken cancellationToken, bool ensureSchema = true) =>
        RunAsync(write, IsolationLevel.ReadCommitted, isWrite: true, ensureSchema, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction on a pooled connection, tries it again after transient failures
    /// (for a write, only when it failed before its commit), and turns the failures it explains into typed exceptions.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, IsolationLevel isolation, bool isWrite,
        bool ensureSchema, CancellationToken cancellationToken)
    {
        if (ensureSchema)
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        for (int attempt = 0; ; attempt++)
        {
            bool committing = false;
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(isolation, cancellationToken).ConfigureAwait(false);
                T result = await work(connection, cancellationToken).ConfigureAwait(false);
                committing = true;
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && PostgresFailures.IsTransient(e)
                && !(isWrite && committing) && attempt < options.RetryCount)
            {
                // Pooled connections to a restarted server are dead too: drop the idle ones before the next try.
                dataSource.Clear();
                TimeSpan delay = options.RetryDelay * Math.Pow(2, attempt);
                PostgresGalleryLog.Retrying(logger, Location, attempt + 1, options.RetryCount + 1, e.Message, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (isWrite && committing && PostgresFailures.IsConnectionLoss(e))
            {
                PostgresGalleryLog.CommitOutcomeUnknown(logger, Location, e);
                throw new PostgresGalleryException(PostgresGalleryError.CommitOutcomeUnknown,
                    $"The connection to {location.Server} was lost while a change to the gallery {location} was being committed: it may or may not have been applied. Read the gallery before writing it again.", e);
            }
            catch (Exception e) when (PostgresFailures.Translate(e, location) is { } translated)
            {
                throw translated;
            }
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string text, params object?[] parameters)
    {
        var command = new NpgsqlCommand(text, connection);
        foreach (object? value in parameters)
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string text, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, text, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string text, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, text, parameters);
        object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    private static NpgsqlParameter Jsonb(string? json) => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)json ?? DBNull.Value };

    private static void RequireIdentity(string identity)
    {
        if (string.IsNullOrEmpty(identity))
            throw new ArgumentException("An identity needs a non-empty name.", nameof(identity));
        RequireNoNul(identity, nameof(identity));
    }

    private static string MetadataJson(IReadOnlyDictionary<string, string> metadata)
    {
        var copy = GalleryMetadata.Copy(metadata, nameof(metadata));
        foreach ((string key, string value) in copy)
        {
            RequireNoNul(key, nameof(metadata));
            RequireNoNul(value, nameof(metadata));
        }
        return JsonSerializer.Serialize(copy);
    }

    private static System.Collections.ObjectModel.ReadOnlyDictionary<string, string> ParseMetadata(string json) =>
        GalleryMetadata.Copy(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [], "metadata");

    private static void RequireNoNul(string text, string parameterName)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"'{parameterName}' holds a NUL character, which PostgreSQL text cannot store.", parameterName);
    }
}
