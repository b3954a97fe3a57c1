using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.Store;

namespace FaceEmbeddings.Tests.Recognition;

/// <summary>The gallery contract on <see cref="InMemoryFaceGallery"/>; reopening saves to a file and loads it.</summary>
public sealed class InMemoryFaceGalleryContractTests : FaceGalleryContractTests, IDisposable
{
    private readonly TemporaryDirectory folder = new();

    protected override Task<IFaceGallery> CreateGalleryAsync(GalleryDescriptor descriptor) =>
        Task.FromResult<IFaceGallery>(new InMemoryFaceGallery(descriptor, new InMemoryFaceGalleryOptions { InitialCapacity = 0 }));

    protected override async Task<IFaceGallery> ReopenAsync(IFaceGallery gallery)
    {
        string path = Path.Combine(folder.Path, $"{Guid.NewGuid():N}.gallery");
        await ((InMemoryFaceGallery)gallery).SaveAsync(path);
        return await InMemoryFaceGallery.LoadAsync(path, gallery.Descriptor);
    }

    public void Dispose() => folder.Dispose();
}
