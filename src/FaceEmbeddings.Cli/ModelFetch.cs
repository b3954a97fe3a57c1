using FaceEmbeddings.Models.Store;

namespace FaceEmbeddings.Cli;

/// <summary>Gets a model from the store with a download progress bar.</summary>
internal static class ModelFetch
{
    public static Task<string> GetAsync(ModelStore store, string name, CancellationToken cancellationToken) =>
        Terminal.WithProgressAsync($"Downloading {name}", update =>
            store.GetAsync(name, new SynchronousProgress<DownloadProgress>(progress =>
                update(progress.BytesReceived, progress.TotalBytes ?? 0)), cancellationToken));
}
