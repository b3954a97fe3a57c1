using FaceEmbeddings.DependencyInjection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Recognition;
using Microsoft.Extensions.Options;

namespace FaceEmbeddings.Samples.WebApi;

/// <summary>
/// The service's gallery: in memory, and with <c>Sample:GalleryPath</c> kept in that file (encrypted with the key in
/// <c>Sample:GalleryKeyFile</c> when set): loaded at start, and written whole after every enrolment and erasure, one
/// write at a time, so that the last write holds the last change and an erased person is gone from the file when
/// the request answers.
/// </summary>
internal sealed class SampleGallery(IFaceGallery gallery, IOptions<SampleOptions> options) : IDisposable
{
    private readonly SemaphoreSlim saving = new(1, 1);

    /// <summary>Writes the gallery to its file, when it has one.</summary>
    public async Task CommitAsync()
    {
        if (options.Value.GalleryPath is not { } path || gallery is not InMemoryFaceGallery file) return;
        // Not cancellable: a change the gallery has made must reach the file, even when its client has gone.
        await saving.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await file.SaveAsync(path, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            saving.Release();
        }
    }

    /// <summary>The gallery for the configured encoder: loaded from <c>Sample:GalleryPath</c> when that file exists, else empty.</summary>
    public static IFaceGallery Open(IServiceProvider provider)
    {
        SampleOptions sample = provider.GetRequiredService<IOptions<SampleOptions>>().Value;
        FaceEmbeddingsOptions settings = provider.GetRequiredService<IOptions<FaceEmbeddingsOptions>>().Value;
        IFaceEncoder encoder = provider.GetRequiredService<IFaceEncoder>();
        GalleryDescriptor descriptor = settings.ModelSource.GalleryDescriptorFor(encoder);
        var galleryOptions = new InMemoryFaceGalleryOptions
        {
            Device = encoder.Device,
            // Lives as long as the service: the gallery encrypts every save with it.
            EncryptionKey = sample.GalleryKeyFile is { } keyFile ? GalleryEncryptionKey.FromBase64(File.ReadAllText(keyFile)) : null,
        };
        return sample.GalleryPath is { } path && File.Exists(path)
            ? InMemoryFaceGallery.LoadAsync(path, descriptor, galleryOptions).GetAwaiter().GetResult()
            : new InMemoryFaceGallery(descriptor, galleryOptions);
    }

    public void Dispose() => saving.Dispose();
}
