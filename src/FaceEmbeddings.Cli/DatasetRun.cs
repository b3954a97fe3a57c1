using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;

namespace FaceEmbeddings.Cli;

/// <summary>
/// Runs a dataset under a progress bar and reports the files it skips: as warnings on standard error, after the
/// bar is gone (or at once when there is no bar), then a one-line count.
/// </summary>
internal sealed class DatasetRun
{
    private readonly List<SkippedImage> pending = [];
    private int skipped;

    private DatasetRun()
    {
    }

    /// <summary>Embeds the whole dataset.</summary>
    public static Task<FaceEmbeddingSet> EmbedAllAsync(FaceDataset dataset, IFaceDetector detector, IFaceEncoder encoder,
        FaceDatasetOptions options, CancellationToken cancellationToken) =>
        RunAsync("Embedding", dataset, (progress, token) => dataset.EmbedAllAsync(detector, encoder, options, progress, token), cancellationToken);

    /// <summary>Runs <paramref name="work"/>, a library call over the dataset that reports its progress, under a progress bar
    /// titled "<paramref name="verb"/> faces".</summary>
    public static async Task<T> RunAsync<T>(string verb, FaceDataset dataset, Func<IProgress<FaceDatasetProgress>, CancellationToken, Task<T>> work,
        CancellationToken cancellationToken)
    {
        var run = new DatasetRun();
        Announce(verb, dataset);
        T result = await Terminal.WithProgressAsync($"{verb} faces", update => work(run.Progress(update), cancellationToken)).ConfigureAwait(false);
        run.Finish(dataset);
        return result;
    }

    /// <summary>Detects the faces of the dataset and hands each to <paramref name="handle"/>, which owns it.</summary>
    public static async Task<int> ForEachFaceAsync(FaceDataset dataset, IFaceDetector detector, FaceDatasetOptions options,
        Func<DatasetFace, Task> handle, CancellationToken cancellationToken)
    {
        var run = new DatasetRun();
        Announce("Cropping", dataset);
        int faces = await Terminal.WithProgressAsync("Cropping faces", async update =>
        {
            int count = 0;
            await foreach (DatasetFace face in dataset.DetectAsync(detector, options, run.Progress(update), cancellationToken).ConfigureAwait(false))
            {
                using (face)
                    await handle(face).ConfigureAwait(false);
                count++;
            }
            return count;
        }).ConfigureAwait(false);
        run.Finish(dataset);
        return faces;
    }

    private SynchronousProgress<FaceDatasetProgress> Progress(Action<double, double> update) => new(report =>
    {
        update(report.Completed, report.Total);
        if (report.LastSkipped is { } skipped)
        {
            this.skipped++;
            if (Terminal.ShowsProgress)
                pending.Add(skipped);
            else
                Warn(skipped);
        }
    });

    private void Finish(FaceDataset dataset)
    {
        foreach (SkippedImage skipped in pending)
            Warn(skipped);
        if (skipped > 0)
            Terminal.Warning($"{skipped} of {dataset.Items.Count + dataset.Rejected.Count} files were skipped.");
    }

    private static void Announce(string what, FaceDataset dataset) =>
        Terminal.Info($"{what} the faces of {dataset.Items.Count} images in {dataset.Source} (Ctrl+C to stop).");

    private static void Warn(SkippedImage skipped) => Terminal.Warning($"skipped: {skipped.Message}");
}
