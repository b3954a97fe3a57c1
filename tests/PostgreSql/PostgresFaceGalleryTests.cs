using System.Diagnostics;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.PostgreSql;
using FaceEmbeddings.Recognition;
using Npgsql;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.PostgreSql;

/// <summary>What the PostgreSQL gallery adds to the shared contract: its schema, storage, metrics in SQL and its typed errors.</summary>
[RequiresPostgres]
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresFaceGalleryTests : IAsyncLifetime
{
    private static readonly GalleryDescriptor Descriptor = new("test-model", 16);
    private readonly PostgresTestGallery tables = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => tables.DropAsync();

    [Fact]
    public async Task Tables_made_for_another_descriptor_or_storage_are_refused_by_name()
    {
        await tables.Open(Descriptor).EnsureSchemaAsync();

        var otherSize = tables.Open(Descriptor with { EmbeddingSize = 32 });
        (await FluentActions.Awaiting(() => otherSize.CountAsync()).Should().ThrowAsync<GalleryDescriptorMismatchException>())
            .Which.Stored.Should().Be(Descriptor);
        var otherModel = tables.Open(Descriptor with { Model = "other" });
        await FluentActions.Awaiting(() => otherModel.EnsureSchemaAsync()).Should().ThrowAsync<GalleryDescriptorMismatchException>()
            .WithMessage($"*{tables.Prefix}*test-model*other*");
        var halfVector = tables.Open(Descriptor, new PostgresFaceGalleryOptions { Storage = PostgresEmbeddingStorage.HalfVector });
        (await FluentActions.Awaiting(() => halfVector.EnsureSchemaAsync()).Should().ThrowAsync<PostgresGalleryException>()
            .WithMessage("*stores embeddings as Vector*Storage = Vector*")).Which.Error.Should().Be(PostgresGalleryError.SchemaMismatch);
    }

    [Fact]
    public async Task Tables_of_another_schema_version_are_refused_with_both_versions_named()
    {
        await tables.Open(Descriptor).EnsureSchemaAsync();
        await using var admin = NpgsqlDataSource.Create(PostgresServer.ConnectionString);
        await using (var downgrade = admin.CreateCommand($"UPDATE {tables.Prefix}_info SET schema_version = 7"))
            await downgrade.ExecuteNonQueryAsync();

        var later = tables.Open(Descriptor);
        (await FluentActions.Awaiting(() => later.CountAsync()).Should().ThrowAsync<PostgresGalleryException>()
            .WithMessage($"*{tables.Prefix}*schema version 7*reads version 1*")).Which.Error.Should().Be(PostgresGalleryError.SchemaMismatch);
    }

    [Fact]
    public async Task A_role_without_rights_on_the_tables_gets_a_permission_error_that_names_it()
    {
        var owner = tables.Open(Descriptor);
        using var faces = ClusteredEmbeddings.Faces(1, 2, 16, 0.3f, seed: 3);
        await owner.EnrollAsync("ann", faces);
        string role = tables.Prefix + "_reader";
        await using var admin = NpgsqlDataSource.Create(PostgresServer.ConnectionString);
        await using (var create = admin.CreateCommand($"CREATE ROLE {role} LOGIN PASSWORD 'secret'"))
            await create.ExecuteNonQueryAsync();
        try
        {
            var settings = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Username = role, Password = "secret" };
            using var gallery = new PostgresFaceGallery(settings.ConnectionString, Descriptor, owner.Options);

            (await FluentActions.Awaiting(() => gallery.CountAsync()).Should().ThrowAsync<PostgresGalleryException>()
                .WithMessage($"*User '{role}' may not use the gallery*{tables.Prefix}*grant*")).Which.Error.Should().Be(PostgresGalleryError.PermissionDenied);
            (await owner.CountAsync()).Should().Be(new GalleryCounts(1, 2));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var drop = admin.CreateCommand($"DROP ROLE {role}");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Galleries_with_other_prefixes_share_a_database_without_seeing_each_other()
    {
        var otherTables = new PostgresTestGallery();
        var first = tables.Open(Descriptor);
        var second = otherTables.Open(Descriptor);
        using var faces = ClusteredEmbeddings.Faces(2, 2, 16, 0.3f, seed: 1);
        await Task.WhenAll(first.EnrollAsync("ann", faces.narrow(0, 0, 2)), second.EnrollAsync("bob", faces.narrow(0, 2, 2)));

        try
        {
            (await first.ListIdentitiesAsync()).Select(identity => identity.Name).Should().Equal("ann");
            (await second.ListIdentitiesAsync()).Select(identity => identity.Name).Should().Equal("bob");
        }
        finally
        {
            await otherTables.DropAsync();
        }
    }

    [Fact]
    public async Task Without_CreateSchema_missing_tables_are_a_typed_error_and_nothing_is_created()
    {
        var gallery = tables.Open(Descriptor, new PostgresFaceGalleryOptions { CreateSchema = false });

        (await FluentActions.Awaiting(() => gallery.CountAsync()).Should().ThrowAsync<PostgresGalleryException>()
            .WithMessage($"*{tables.Prefix}*does not exist*EnsureSchemaAsync*")).Which.Error.Should().Be(PostgresGalleryError.SchemaMissing);
        await using var dataSource = NpgsqlDataSource.Create(PostgresServer.ConnectionString);
        await using var probe = dataSource.CreateCommand($"SELECT count(*) FROM pg_tables WHERE tablename LIKE '{tables.Prefix}%'");
        (await probe.ExecuteScalarAsync()).Should().Be(0L);
    }

    [Theory]
    [InlineData(DistanceMetric.Euclidean, PostgresEmbeddingStorage.Vector, false, 1e-5)]
    [InlineData(DistanceMetric.SquaredEuclidean, PostgresEmbeddingStorage.Vector, true, 1e-5)]
    [InlineData(DistanceMetric.Cosine, PostgresEmbeddingStorage.Vector, false, 1e-5)]
    [InlineData(DistanceMetric.Euclidean, PostgresEmbeddingStorage.HalfVector, false, 2e-3)]
    [InlineData(DistanceMetric.Cosine, PostgresEmbeddingStorage.HalfVector, true, 2e-3)]
    public async Task Distances_computed_by_the_server_are_the_metric_of_the_descriptor(DistanceMetric metric, PostgresEmbeddingStorage storage,
        bool exact, double tolerance)
    {
        var descriptor = Descriptor with { Metric = metric };
        var gallery = tables.Open(descriptor, new PostgresFaceGalleryOptions { Storage = storage, ExactSearch = exact });
        // Tensors owned by using: a dispose scope must not span an await.
        using Tensor faces = ClusteredEmbeddings.Faces(6, 1, 16, 0.3f, seed: 2);
        for (int i = 0; i < 6; i++)
        {
            using Tensor face = faces[i];
            await gallery.EnrollAsync($"id{i}", face);
        }
        using Tensor queries = ClusteredEmbeddings.Near(faces, 0.5f, seed: 3);
        double[] expected;
        using (NewDisposeScope())
            expected = Distances.Pairwise(queries.to(ScalarType.Float64), faces.to(ScalarType.Float64), metric).data<double>().ToArray();

        var results = await gallery.SearchAsync(queries, new GallerySearchOptions { TopK = 6 });

        for (int q = 0; q < 6; q++)
        {
            results[q].Matches.Should().HaveCount(6);
            foreach (IdentityMatch match in results[q].Matches)
                match.Distance.Should().BeApproximately(expected[q * 6 + int.Parse(match.Identity[2..], System.Globalization.CultureInfo.InvariantCulture)], tolerance);
            results[q].Matches.Select(match => match.Distance).Should().BeInAscendingOrder();
        }
    }

    [Fact]
    public async Task A_port_where_nothing_listens_fails_fast_with_the_server_named()
    {
        int port = FreePort();
        var settings = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Port = port };
        using var gallery = new PostgresFaceGallery(settings.ConnectionString, Descriptor);
        var clock = Stopwatch.StartNew();

        (await FluentActions.Awaiting(() => gallery.CountAsync()).Should().ThrowAsync<PostgresGalleryException>()
            .WithMessage($"*127.0.0.1:{port}*could not be reached*running*Host and Port*")).Which.Error.Should().Be(PostgresGalleryError.ServerUnavailable);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_wrong_password_is_an_authentication_error_that_does_not_show_the_password()
    {
        var settings = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Password = "not-the-password" };
        using var gallery = new PostgresFaceGallery(settings.ConnectionString, Descriptor);

        var error = (await FluentActions.Awaiting(() => gallery.EnsureSchemaAsync()).Should().ThrowAsync<PostgresGalleryException>()
            .WithMessage($"*rejected user '{settings.Username}'*Username and Password*")).Which;
        error.Error.Should().Be(PostgresGalleryError.AuthenticationFailed);
        error.Message.Should().NotContain("not-the-password");
    }

    [Fact]
    public async Task A_missing_database_is_named()
    {
        var settings = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Database = tables.Prefix };
        using var gallery = new PostgresFaceGallery(settings.ConnectionString, Descriptor);

        (await FluentActions.Awaiting(() => gallery.CountAsync()).Should().ThrowAsync<PostgresGalleryException>()
            .WithMessage($"*'{tables.Prefix}' does not exist*CREATE DATABASE*")).Which.Error.Should().Be(PostgresGalleryError.DatabaseMissing);
    }

    [Fact]
    public async Task A_database_without_the_extension_and_a_role_that_may_not_create_it_says_to_run_CREATE_EXTENSION()
    {
        string name = tables.Prefix;
        await using var admin = NpgsqlDataSource.Create(PostgresServer.ConnectionString);
        await using (var create = admin.CreateCommand($"CREATE ROLE {name} LOGIN PASSWORD 'secret'"))
            await create.ExecuteNonQueryAsync();
        await using (var create = admin.CreateCommand($"CREATE DATABASE {name} OWNER {name}"))
            await create.ExecuteNonQueryAsync();
        try
        {
            var settings = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Database = name, Username = name, Password = "secret" };
            using var gallery = new PostgresFaceGallery(settings.ConnectionString, Descriptor);

            (await FluentActions.Awaiting(() => gallery.CountAsync()).Should().ThrowAsync<PostgresGalleryException>()
                .WithMessage($"*could not create it*CREATE EXTENSION vector*'{name}'*")).Which.Error.Should().Be(PostgresGalleryError.ExtensionMissing);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using (var drop = admin.CreateCommand($"DROP DATABASE {name} WITH (FORCE)"))
                await drop.ExecuteNonQueryAsync();
            await using (var drop = admin.CreateCommand($"DROP ROLE {name}"))
                await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_data_source_without_UseVector_is_refused_with_the_fix()
    {
        await using var plain = NpgsqlDataSource.Create(PostgresServer.ConnectionString);
        using var gallery = new PostgresFaceGallery(plain, Descriptor, new PostgresFaceGalleryOptions { TablePrefix = tables.Prefix });

        await FluentActions.Awaiting(() => gallery.EnsureSchemaAsync()).Should().ThrowAsync<InvalidOperationException>().WithMessage("*UseVector()*");
        await new PostgresFaceGallery(plain, Descriptor, new PostgresFaceGalleryOptions { TablePrefix = tables.Prefix }).DropAsync();
    }

    [Fact]
    public async Task Bad_names_and_strings_PostgreSQL_cannot_store_are_argument_errors()
    {
        FluentActions.Invoking(() => new PostgresFaceGallery(PostgresServer.ConnectionString, Descriptor, new PostgresFaceGalleryOptions { TablePrefix = "x; DROP TABLE y" }))
            .Should().Throw<ArgumentException>().WithParameterName("TablePrefix");
        FluentActions.Invoking(() => new PostgresFaceGallery("Hots=oops", Descriptor)).Should().Throw<ArgumentException>().WithParameterName("connectionString");
        var gallery = tables.Open(Descriptor);
        using var face = ClusteredEmbeddings.Faces(1, 1, 16, 0.3f, seed: 4);
        await FluentActions.Awaiting(() => gallery.EnrollAsync("a\0b", face)).Should().ThrowAsync<ArgumentException>().WithMessage("*NUL*");
        await FluentActions.Awaiting(() => gallery.EnrollAsync("ann", face, new Dictionary<string, string> { ["k"] = "\0" }))
            .Should().ThrowAsync<ArgumentException>().WithParameterName("metadata");
        (await gallery.CountAsync()).Should().Be(new GalleryCounts(0, 0));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
