using FaceEmbeddings.PostgreSql;
using FaceEmbeddings.Recognition;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.PostgreSql;

/// <summary>Four processes' worth of enrolments and four of searches on one gallery at once.</summary>
[RequiresPostgres]
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresConcurrencyTests : IAsyncLifetime
{
    private const int Writers = 4, Readers = 4, IdentitiesPerWriter = 15, FacesPerIdentity = 3, Size = 32;
    private static readonly GalleryDescriptor Descriptor = new("synthetic", Size);
    private readonly PostgresTestGallery tables = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => tables.DropAsync();

    [Fact]
    public async Task Concurrent_enrolments_are_all_kept_and_searches_see_each_one_whole_or_not_at_all()
    {
        // Each gallery object has its own data source: eight separate connections, as eight processes would have.
        PostgresFaceGallery[] writers = Enumerable.Range(0, Writers).Select(_ => tables.Open(Descriptor)).ToArray();
        PostgresFaceGallery[] readers = Enumerable.Range(0, Readers).Select(_ => tables.Open(Descriptor)).ToArray();
        await writers[0].EnsureSchemaAsync();
        using var faces = ClusteredEmbeddings.Faces(Writers * IdentitiesPerWriter, FacesPerIdentity, Size, 0.3f, seed: 20);
        var writing = new CancellationTokenSource();
        int partialViews = 0, searches = 0;

        Task[] writes = writers.Select((gallery, w) => Task.Run(async () =>
        {
            for (int i = w * IdentitiesPerWriter; i < (w + 1) * IdentitiesPerWriter; i++)
            {
                using var mine = faces.narrow(0, i * FacesPerIdentity, FacesPerIdentity);
                await gallery.EnrollAsync($"id{i:D3}", mine, new Dictionary<string, string> { ["writer"] = $"{w}" });
            }
        })).ToArray();
        Task[] reads = readers.Select((gallery, r) => Task.Run(async () =>
        {
            while (!writing.IsCancellationRequested)
            {
                foreach (GalleryIdentity identity in await gallery.ListIdentitiesAsync())
                    if (identity.FaceCount != FacesPerIdentity) Interlocked.Increment(ref partialViews);
                using var query = faces.narrow(0, r * FacesPerIdentity, 1);
                var result = await gallery.SearchAsync(query, new GallerySearchOptions { TopK = 3 });
                result.Should().ContainSingle();
                Interlocked.Increment(ref searches);
            }
        })).ToArray();
        await Task.WhenAll(writes);
        await writing.CancelAsync();
        await Task.WhenAll(reads);

        partialViews.Should().Be(0);
        searches.Should().BeGreaterThan(Readers);
        (await readers[0].CountAsync()).Should().Be(new GalleryCounts(Writers * IdentitiesPerWriter, Writers * IdentitiesPerWriter * FacesPerIdentity));
        var exact = tables.Open(Descriptor, new PostgresFaceGalleryOptions { ExactSearch = true });
        using var rows = tensor(Enumerable.Range(0, Writers * IdentitiesPerWriter).Select(i => (long)i * FacesPerIdentity).ToArray());
        using var firstFaces = faces.index_select(0, rows);
        var found = await exact.SearchAsync(firstFaces);
        found.Select(result => result.Best!.Identity).Should().Equal(Enumerable.Range(0, Writers * IdentitiesPerWriter).Select(i => $"id{i:D3}"));
        found.Should().OnlyContain(result => result.Best!.Distance < 1e-5);
        (await readers[1].ListIdentitiesAsync()).Select(identity => (identity.Name, identity.Metadata["writer"])).Should().Equal(
            Enumerable.Range(0, Writers * IdentitiesPerWriter).Select(i => ($"id{i:D3}", $"{i / IdentitiesPerWriter}")));
    }
}
