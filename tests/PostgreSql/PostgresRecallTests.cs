using FaceEmbeddings.Metrics;
using FaceEmbeddings.PostgreSql;
using FaceEmbeddings.Recognition;
using Npgsql;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.PostgreSql;

/// <summary>The HNSW index against exact search on a clustered synthetic gallery, and exact search against the metric itself.</summary>
[RequiresPostgres]
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresRecallTests : IAsyncLifetime
{
    private const int Identities = 400, FacesPerIdentity = 5, Size = 64, Queries = 100, TopK = 10;
    private static readonly GalleryDescriptor Descriptor = new("synthetic", Size);
    private readonly PostgresTestGallery tables = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => tables.DropAsync();

    [Fact]
    public async Task Exact_search_ranks_identities_as_the_metric_does_and_the_index_finds_nearly_all_of_them()
    {
        var indexed = tables.Open(Descriptor, new PostgresFaceGalleryOptions { EfSearch = 100 });
        var exact = tables.Open(Descriptor, new PostgresFaceGalleryOptions { ExactSearch = true });
        // Tensors owned by using: a dispose scope must not span an await.
        using Tensor faces = ClusteredEmbeddings.Faces(Identities, FacesPerIdentity, Size, 0.6f, seed: 10);
        for (int i = 0; i < Identities; i++)
        {
            using Tensor rows = faces.narrow(0, i * FacesPerIdentity, FacesPerIdentity);
            await indexed.EnrollAsync($"id{i:D4}", rows);
        }
        using Tensor queries = QueriesNear(faces);
        var options = new GallerySearchOptions { TopK = TopK };

        var exactResults = await exact.SearchAsync(queries, options);
        var indexedResults = await indexed.SearchAsync(queries, options);

        // The reference: every identity's closest face, by the distances of the metric itself.
        using var scope = NewDisposeScope();
        Tensor distances = Distances.Pairwise(queries, faces).reshape(Queries, Identities, FacesPerIdentity).amin(2);
        var (nearest, identities) = distances.topk(TopK, largest: false);
        for (int q = 0; q < Queries; q++)
        {
            exactResults[q].Matches.Select(match => match.Identity).Should().Equal(
                identities[q].data<long>().ToArray().Select(i => $"id{i:D4}"), $"query {q} is searched exactly");
            exactResults[q].Matches.Select(match => match.Distance).Should().Equal(
                nearest[q].data<float>().ToArray().Select(d => (double)d), (a, b) => Math.Abs(a - b) < 1e-5);
        }
        double recallAt1 = exactResults.Zip(indexedResults).Average(pair => pair.First.Best!.Identity == pair.Second.Best!.Identity ? 1.0 : 0.0);
        double recallAt10 = exactResults.Zip(indexedResults).Average(pair =>
            pair.First.Matches.Select(m => m.Identity).Intersect(pair.Second.Matches.Select(m => m.Identity)).Count() / (double)TopK);
        recallAt1.Should().BeGreaterThanOrEqualTo(0.95);
        recallAt10.Should().BeGreaterThanOrEqualTo(0.95);
    }

    /// <summary>A query near the first face of each of the first <see cref="Queries"/> identities.</summary>
    private static Tensor QueriesNear(Tensor faces)
    {
        using var scope = NewDisposeScope();
        Tensor firstFaces = faces.index_select(0, tensor(Enumerable.Range(0, Queries).Select(i => (long)i * FacesPerIdentity).ToArray()));
        return ClusteredEmbeddings.Near(firstFaces, 0.6f, seed: 11).MoveToOuterDisposeScope();
    }

    [Fact]
    public async Task Searches_use_the_HNSW_index_unless_exact_search_is_asked_for()
    {
        var gallery = tables.Open(Descriptor);
        await gallery.EnsureSchemaAsync();
        var sql = new GallerySql(Descriptor, gallery.Options);

        string approximate = await PlanAsync(sql.NearestFaces(exact: false)), exactPlan = await PlanAsync(sql.NearestFaces(exact: true));
        string centroids = await PlanAsync(sql.NearestCentroids(exact: false)), exactCentroids = await PlanAsync(sql.NearestCentroids(exact: true));

        approximate.Should().Contain($"{tables.Prefix}_faces_embedding_hnsw");
        centroids.Should().Contain($"{tables.Prefix}_identities_centroid_hnsw");
        exactPlan.Should().NotContain("hnsw").And.Contain("Sort");
        exactCentroids.Should().NotContain("hnsw").And.Contain("Sort");
    }

    /// <summary>The plan of a search, with the planner told to avoid reading whole tables, as it does for a big table.</summary>
    private static async Task<string> PlanAsync(string search)
    {
        var builder = new NpgsqlDataSourceBuilder(PostgresServer.ConnectionString);
        builder.UseVector();
        await using var dataSource = builder.Build();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var settings = new NpgsqlCommand("SET enable_seqscan = off", connection))
            await settings.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + search, connection);
        explain.Parameters.Add(new NpgsqlParameter { Value = new Pgvector.Vector(new float[Size]) });
        explain.Parameters.Add(new NpgsqlParameter { Value = 5L });
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        return string.Join('\n', plan);
    }
}
