// The gallery backends at scale: PostgreSQL + pgvector (HNSW at several ef_search, and exact) against the in-memory
// gallery, on clustered synthetic 512-d embeddings. Run it with a server (see README.md in this folder):
//   scripts/with-postgres.sh dotnet run -c Release --project benchmarks/PostgresGallery -- [faces] [faces-per-identity]
using System.Diagnostics;
using System.Globalization;
using FaceEmbeddings.PostgreSql;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.PostgreSql;
using Npgsql;
using static TorchSharp.torch;

int faceCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
int perIdentity = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
const int Size = 512, Queries = 200, TopK = 10, Writers = 4;
// PostgreSQL's exact search reads every face per query (about 5 s at 1,000,000): above this size its latency rows are
// left out, and recall is measured against the in-memory gallery's exact search, which returns the same neighbours.
const int LargestExactlyTimed = 200_000;
int[] efSearches = [40, 100, 400];
int identities = faceCount / perIdentity;
string connection = Environment.GetEnvironmentVariable("FACEEMBEDDINGS_POSTGRES")
    ?? throw new InvalidOperationException("Set FACEEMBEDDINGS_POSTGRES, or run through scripts/with-postgres.sh.");
// Index builds get memory enough for the whole graph (pgvector slows down a lot when it does not fit): about 2.6 KB a
// 512-d face with m 16, so 6 GB covers a million faces and their centroids.
connection = new NpgsqlConnectionStringBuilder(connection) { Options = "-c maintenance_work_mem=6GB", MaxPoolSize = 20 }.ConnectionString;
var descriptor = new GalleryDescriptor("synthetic", Size);
var baseOptions = new PostgresFaceGalleryOptions { TablePrefix = "bench_" + Guid.NewGuid().ToString("N")[..8], CreateIndex = false };

Console.WriteLine($"# {identities} identities × {perIdentity} faces = {identities * perIdentity} faces, {Size}-d; {Queries} queries, top-{TopK}; {Environment.ProcessorCount} cores");
using var faces = ClusteredEmbeddings.Faces(identities, perIdentity, Size, 0.6f, seed: 1);
using var firstFaces = faces.index_select(0, tensor(Enumerable.Range(0, Queries).Select(i => (long)i * (identities / Queries) * perIdentity).ToArray()));
using var queries = ClusteredEmbeddings.Near(firstFaces, 0.6f, seed: 2);
Tensor[] queryRows = Enumerable.Range(0, Queries).Select(q => queries[q]).ToArray();

await using var loader = new PostgresFaceGallery(connection, descriptor, baseOptions);
try
{
    // Load: one enrolment (one transaction, one COPY) per identity, from four writers at once.
    await loader.EnsureSchemaAsync();
    var clock = Stopwatch.StartNew();
    int next = -1;
    await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
    {
        for (int i = Interlocked.Increment(ref next); i < identities; i = Interlocked.Increment(ref next))
        {
            using var rows = faces.narrow(0, (long)i * perIdentity, perIdentity);
            await loader.EnrollAsync($"id{i:D7}", rows);
        }
    })));
    Console.WriteLine($"load ({Writers} writers, no index): {clock.Elapsed.TotalSeconds:F1} s = {identities * perIdentity / clock.Elapsed.TotalSeconds:F0} faces/s");

    // Index build: the next EnsureSchemaAsync with CreateIndex creates the HNSW indexes of faces and centroids.
    clock.Restart();
    await using var indexed = new PostgresFaceGallery(connection, descriptor, baseOptions with { CreateIndex = true });
    await indexed.EnsureSchemaAsync();
    Console.WriteLine($"HNSW build (m 16, ef_construction 64, faces + centroids): {clock.Elapsed.TotalSeconds:F1} s");
    await using (var dataSource = NpgsqlDataSource.Create(connection))
    await using (var sizes = dataSource.CreateCommand($"""
        SELECT pg_size_pretty(pg_table_size('{baseOptions.TablePrefix}_faces')), pg_size_pretty(pg_relation_size('{baseOptions.TablePrefix}_faces_embedding_hnsw')),
               pg_size_pretty(pg_table_size('{baseOptions.TablePrefix}_identities')), pg_size_pretty(pg_relation_size('{baseOptions.TablePrefix}_identities_centroid_hnsw'))
        """))
    await using (var reader = await sizes.ExecuteReaderAsync())
    {
        await reader.ReadAsync();
        Console.WriteLine($"sizes: faces table {reader.GetString(0)}, faces HNSW {reader.GetString(1)}, identities table {reader.GetString(2)}, centroid HNSW {reader.GetString(3)}");
    }

    var search = new GallerySearchOptions { TopK = TopK };
    using var memory = new InMemoryFaceGallery(descriptor, new InMemoryFaceGalleryOptions { InitialCapacity = faceCount });
    clock.Restart();
    for (int i = 0; i < identities; i++)
    {
        using var rows = faces.narrow(0, (long)i * perIdentity, perIdentity);
        await memory.EnrollAsync($"id{i:D7}", rows);
    }
    double memoryLoadSeconds = clock.Elapsed.TotalSeconds;
    await using var exact = new PostgresFaceGallery(connection, descriptor, baseOptions with { ExactSearch = true });
    bool timeExact = faceCount <= LargestExactlyTimed;
    IReadOnlyList<GallerySearchResult> truth = await (timeExact ? exact : (IFaceGallery)memory).SearchAsync(queries, search);
    Console.WriteLine($"recall against: {(timeExact ? "PostgreSQL's exact search" : "the in-memory gallery's exact search")}");

    Console.WriteLine();
    Console.WriteLine("| backend | recall@1 | recall@10 | 1 client p50 / p99 (ms) | 8 clients p50 / p99 (ms) | 8 clients queries/s |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (int ef in efSearches)
    {
        await using var gallery = new PostgresFaceGallery(connection, descriptor, baseOptions with { EfSearch = ef });
        await Report($"PostgreSQL HNSW, ef_search {ef}", gallery);
    }
    if (timeExact)
        await Report("PostgreSQL exact (no index)", exact);
    else
        Console.WriteLine($"| PostgreSQL exact (no index): not timed above {LargestExactlyTimed:N0} faces | | | | | |");
    Console.WriteLine($"| (in-memory load: {memoryLoadSeconds:F1} s) | | | | | |");
    await Report("InMemoryFaceGallery (exact)", memory);

    async Task Report(string name, IFaceGallery gallery)
    {
        IReadOnlyList<GallerySearchResult> found = await gallery.SearchAsync(queries, search);
        double recall1 = truth.Zip(found).Average(p => p.First.Best!.Identity == p.Second.Best?.Identity ? 1.0 : 0.0);
        double recall10 = truth.Zip(found).Average(p =>
            p.First.Matches.Select(m => m.Identity).Intersect(p.Second.Matches.Select(m => m.Identity)).Count() / (double)TopK);
        await Latencies(gallery, 1); // warm-up: caches, pools
        (double p50, double p99, _) = await Latencies(gallery, 1);
        (double p50x8, double p99x8, double rate) = await Latencies(gallery, 8);
        Console.WriteLine($"| {name} | {recall1:F3} | {recall10:F3} | {p50:F2} / {p99:F2} | {p50x8:F2} / {p99x8:F2} | {rate:F0} |");
    }

    // Every client searches every query once, one query per call; latency of each call.
    async Task<(double P50, double P99, double Rate)> Latencies(IFaceGallery gallery, int clients)
    {
        var times = new List<double>();
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = new List<double>(Queries);
            for (int q = 0; q < Queries; q++)
            {
                long start = Stopwatch.GetTimestamp();
                await gallery.SearchAsync(queryRows[(q + c * 7) % Queries], search);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            lock (times) times.AddRange(mine);
        })));
        double rate = clients * Queries / wall.Elapsed.TotalSeconds;
        times.Sort();
        return (times[times.Count / 2], times[(int)Math.Ceiling(times.Count * 0.99) - 1], rate);
    }
}
finally
{
    await loader.DropAsync();
}
