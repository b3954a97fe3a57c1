using FaceEmbeddings.PostgreSql;
using FaceEmbeddings.Recognition;
using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.Tests.PostgreSql;

/// <summary>Galleries of the tests: each in tables of its own (a fresh prefix), dropped when the test ends.</summary>
public sealed class PostgresTestGallery
{
    private readonly List<PostgresFaceGallery> opened = [];

    /// <summary>A fresh table prefix: tests running side by side never share tables.</summary>
    public string Prefix { get; } = "test_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Opens (a view of) the test's gallery: every call with the same object uses the same tables.</summary>
    public PostgresFaceGallery Open(GalleryDescriptor descriptor, PostgresFaceGalleryOptions? options = null, ILogger<PostgresFaceGallery>? logger = null)
    {
        var gallery = new PostgresFaceGallery(PostgresServer.ConnectionString, descriptor,
            (options ?? new PostgresFaceGalleryOptions()) with { TablePrefix = Prefix }, logger);
        opened.Add(gallery);
        return gallery;
    }

    /// <summary>Drops the tables (through a gallery of its own: the test may have disposed its own) and closes every gallery opened here.</summary>
    public async Task DropAsync()
    {
        if (opened.Count > 0)
        {
            await using var dropper = new PostgresFaceGallery(PostgresServer.ConnectionString, opened[0].Descriptor, opened[0].Options);
            await dropper.DropAsync();
        }
        foreach (PostgresFaceGallery gallery in opened)
            await gallery.DisposeAsync();
    }
}
