using FaceEmbeddings.PostgreSql;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.Recognition;

namespace FaceEmbeddings.Tests.PostgreSql;

/// <summary>
/// The gallery contract on <see cref="PostgresFaceGallery"/> with its HNSW index, searched with ef_search 1000 so that
/// the index answers as exact search does on the contract's small galleries (its recall on larger ones is measured by
/// <see cref="PostgresRecallTests"/>). Reopening connects anew, as another process would.
/// </summary>
[RequiresPostgres]
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresFaceGalleryContractTests : FaceGalleryContractTests, IAsyncLifetime
{
    private static readonly PostgresFaceGalleryOptions Options = new() { EfSearch = 1000 };
    private readonly PostgresTestGallery tables = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => tables.DropAsync();

    protected override Task<IFaceGallery> CreateGalleryAsync(GalleryDescriptor descriptor) =>
        Task.FromResult<IFaceGallery>(tables.Open(descriptor, Options));

    protected override async Task<IFaceGallery> ReopenAsync(IFaceGallery gallery)
    {
        var reopened = new PostgresFaceGallery(PostgresServer.ConnectionString, gallery.Descriptor, ((PostgresFaceGallery)gallery).Options);
        await reopened.EnsureSchemaAsync();
        return reopened;
    }
}
