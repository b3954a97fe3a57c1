using System.Runtime.CompilerServices;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Runtime;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace FaceEmbeddings.Datasets;

public sealed partial class FaceDataset
{
    /// <summary>
    /// Detects and crops the faces of every image, a batch at a time, yielding them in the order of
    /// <see cref="Items"/>. Which faces an image gives follows the detector's settings (for MTCNN: the selected face,
    /// or all with <see cref="MtcnnOptions.KeepAll"/>). Images that cannot be read, or hold no face, are reported
    /// through <paramref name="progress"/> and skipped, as are the <see cref="Rejected"/> files.
    /// </summary>
    /// <param name="detector">Finds and crops the faces.</param>
    /// <param name="options">Batch size and decoding; defaults when null.</param>
    /// <param name="progress">Receives a report per batch and one per skipped file, on the processing thread.</param>
    /// <param name="cancellationToken">Stops processing between batches.</param>
    /// <returns>The faces with their crops, which the caller disposes.</returns>
    public IAsyncEnumerable<DatasetFace> DetectAsync(IFaceDetector detector, FaceDatasetOptions? options = null,
        IProgress<FaceDatasetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detector);
        options ??= new FaceDatasetOptions();
        options.Validate();
        return StreamAsync(detector, encoder: null, options, progress, cancellationToken);
    }

    /// <summary>
    /// Detects, crops and embeds the faces of every image, a batch at a time, yielding them in the order of
    /// <see cref="Items"/>; see <see cref="DetectAsync"/> for which faces are found and what is skipped.
    /// </summary>
    /// <param name="detector">Finds the faces, which it cuts as <paramref name="encoder"/> expects (its <c>Input.CropFor</c>
    /// the detector's geometry: the encoder's alignment, the detector's size and margin when it is aligned alike).</param>
    /// <param name="encoder">Embeds the crops.</param>
    /// <param name="options">Batch size, crop keeping and decoding; defaults when null.</param>
    /// <param name="progress">Receives a report per batch and one per skipped file, on the processing thread.</param>
    /// <param name="cancellationToken">Stops processing between batches.</param>
    /// <returns>The faces with their embeddings (and crops when <see cref="FaceDatasetOptions.KeepCrop"/> keeps them),
    /// which the caller disposes.</returns>
    public IAsyncEnumerable<DatasetFace> EmbedAsync(IFaceDetector detector, IFaceEncoder encoder, FaceDatasetOptions? options = null,
        IProgress<FaceDatasetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(encoder);
        options ??= new FaceDatasetOptions();
        options.Validate();
        return StreamAsync(detector, encoder, options, progress, cancellationToken);
    }

    /// <summary>
    /// Embeds the whole dataset (see <see cref="EmbedAsync"/>) into one <see cref="FaceEmbeddingSet"/>: the faces, their
    /// N×D embeddings as one tensor on the encoder's device, the crops <see cref="FaceDatasetOptions.KeepCrop"/> keeps
    /// and the list of skipped files. The caller owns and disposes the set.
    /// </summary>
    /// <inheritdoc cref="EmbedAsync" path="/param"/>
    public async Task<FaceEmbeddingSet> EmbedAllAsync(IFaceDetector detector, IFaceEncoder encoder, FaceDatasetOptions? options = null,
        IProgress<FaceDatasetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(encoder);
        options ??= new FaceDatasetOptions();
        options.Validate();
        var skipped = new List<SkippedImage>();
        var faces = new List<EmbeddedFace>();
        var embeddings = new List<Tensor>();
        using var kept = new KeptCrops();
        try
        {
            await foreach (ProcessedBatch batch in ProcessAsync(detector, encoder, options, new ProgressCollector(skipped, progress), cancellationToken)
                .ConfigureAwait(false))
            {
                using (batch)
                {
                    for (int i = 0; i < batch.Faces.Count; i++)
                    {
                        if (options.KeepCrop?.Invoke(batch.Faces[i].Item) == true)
                            kept.Add(batch.Crops[i], faces.Count);
                        faces.Add(batch.Faces[i]);
                    }
                    if (batch.TakeEmbeddings() is { } rows)
                        embeddings.Add(rows);
                }
            }
            using var scope = NewDisposeScope();
            Tensor all = embeddings.Count == 0 ? zeros(0, encoder.EmbeddingSize, device: encoder.Device) : cat(embeddings, 0); // [N, D]
            (Tensor? crops, int[] cropRows) = kept.Stack();
            // The set detaches the embeddings from the scope and takes the crops.
            return new FaceEmbeddingSet(Source, LabelKeys, faces, all, skipped, crops, cropRows);
        }
        finally
        {
            foreach (Tensor rows in embeddings)
                rows.Dispose();
        }
    }

    /// <summary>The faces of each batch, one by one, each owning its embedding row and, when kept, its crop.</summary>
    private async IAsyncEnumerable<DatasetFace> StreamAsync(IFaceDetector detector, IFaceEncoder? encoder, FaceDatasetOptions options,
        IProgress<FaceDatasetProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (ProcessedBatch batch in ProcessAsync(detector, encoder, options, progress, cancellationToken)
            .ConfigureAwait(false))
        {
            DatasetFace[] faces;
            using (batch)
                faces = batch.ToDatasetFaces(keepCrop: item => encoder is null || options.KeepCrop?.Invoke(item) == true);
            int next = 0;
            try
            {
                for (; next < faces.Length; next++)
                    yield return faces[next];
            }
            finally
            {
                // A caller that stops early owns what it received; the rest of the batch is freed here.
                for (int rest = next + 1; rest < faces.Length; rest++)
                    faces[rest].Dispose();
            }
        }
    }

    /// <summary>Reads, detects and (with an encoder) embeds the items a batch at a time; the consumer disposes each batch.</summary>
    private IAsyncEnumerable<ProcessedBatch> ProcessAsync(IFaceDetector detector, IFaceEncoder? encoder, FaceDatasetOptions options,
        IProgress<FaceDatasetProgress>? progress, CancellationToken cancellationToken) =>
        ProcessImagesAsync(options, progress, images => ProcessBatch(images, detector, encoder), cancellationToken);

    /// <summary>
    /// Decodes the items a batch at a time and hands each batch's readable images to <paramref name="process"/>, which
    /// returns its result and how many faces it found in each image (an image with none is reported as skipped). The images
    /// are freed once <paramref name="process"/> returns; the rejected and unreadable files are reported as skipped.
    /// </summary>
    internal async IAsyncEnumerable<TBatch> ProcessImagesAsync<TBatch>(FaceDatasetOptions options, IProgress<FaceDatasetProgress>? progress,
        Func<(FaceDatasetItem Item, FaceImage Image)[], (TBatch Batch, IReadOnlyList<int> FacesPerImage)> process,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TBatch : class
    {
        var counter = new ProgressCounter(Items.Count + Rejected.Count, progress, options.Logger);
        foreach (SkippedImage rejected in Rejected)
            counter.Skip(rejected);

        // Decoding and the networks are synchronous; running them off the caller's thread keeps it responsive, and running
        // every batch on the same thread keeps one copy of a batch's native memory, not one per pool thread (BatchThread).
        using var thread = new BatchThread("FaceDataset batches");
        // Items are decoded one by one as the batches fill, on the batch thread, so a batch is cut by its decoded pixels
        // as well as by its count of items (unreadable ones count, weighing nothing); the image that does not fit waits,
        // decoded, for the next batch.
        using IEnumerator<LoadedItem[]> batches = BudgetedChunks.Of(Load(options.ImageOptions, counter),
            loaded => loaded.Image is { } image ? (long)image.Width * image.Height : 0, options.MaxBatchPixels, options.BatchSize)
            .GetEnumerator();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TBatch? batch = await thread.RunAsync(() => batches.MoveNext() ? Process(batches.Current) : null, cancellationToken)
                .ConfigureAwait(false);
            if (batch is null) break;
            counter.Report();
            yield return batch;
        }

        TBatch Process(LoadedItem[] items)
        {
            var images = items.Where(loaded => loaded.Image is not null).Select(loaded => (loaded.Item, Image: loaded.Image!)).ToArray();
            try
            {
                (TBatch result, IReadOnlyList<int> facesPerImage) = process(images);
                for (int i = 0; i < images.Length; i++)
                {
                    if (facesPerImage[i] == 0)
                        counter.Skip(new SkippedImage(images[i].Item.Path, SkipReason.NoFace, $"No face was found in '{images[i].Item.Path}'."));
                    else
                        counter.Done();
                }
                counter.AddFaces(facesPerImage.Sum());
                return result;
            }
            finally
            {
                foreach (var (_, image) in images)
                    image.Dispose();
            }
        }
    }

    private static (ProcessedBatch Batch, IReadOnlyList<int> FacesPerImage) ProcessBatch((FaceDatasetItem Item, FaceImage Image)[] images,
        IFaceDetector detector, IFaceEncoder? encoder)
    {
        FaceCropBatch crops = detector.DetectAndExtract(images.Select(pair => pair.Image).ToList(), encoder?.Input.CropFor(detector.Geometry));
        try
        {
            var faces = new List<EmbeddedFace>(crops.Count);
            int[] facesPerImage = new int[images.Length];
            for (int i = 0; i < images.Length; i++)
            {
                IReadOnlyList<FaceCrop> ofImage = crops.OfImage(i);
                facesPerImage[i] = ofImage.Count;
                for (int face = 0; face < ofImage.Count; face++)
                    faces.Add(new EmbeddedFace(images[i].Item, face, ofImage[face].Face));
            }
            Tensor? embeddings = encoder is null || crops.Count == 0 ? null : encoder.Embed(crops); // [B, D]
            return (new ProcessedBatch(faces, crops, embeddings), facesPerImage);
        }
        catch
        {
            crops.Dispose();
            throw;
        }
    }

    /// <summary>The items in order, each decoded, or without an image when it cannot be read (reported as skipped).</summary>
    private IEnumerable<LoadedItem> Load(FaceImageOptions? imageOptions, ProgressCounter counter)
    {
        foreach (FaceDatasetItem item in Items)
            yield return new LoadedItem(item, TryLoad(item, imageOptions, counter));
    }

    /// <summary>A dataset item and its decoded pixels, or null when it cannot be read.</summary>
    private sealed record LoadedItem(FaceDatasetItem Item, FaceImage? Image);

    private static FaceImage? TryLoad(FaceDatasetItem item, FaceImageOptions? imageOptions, ProgressCounter counter)
    {
        try
        {
            return FaceImage.Load(item.Path, imageOptions);
        }
        catch (Exception exception) when (exception is ImageDecodeException or IOException or UnauthorizedAccessException)
        {
            string message = exception is ImageDecodeException
                ? exception.Message
                : $"Cannot read '{item.Path}': {exception.Message}";
            counter.Skip(new SkippedImage(item.Path, SkipReason.Unreadable, message));
            return null;
        }
    }

    /// <summary>Counts processed files and faces and sends the reports; used from one thread at a time.</summary>
    private sealed class ProgressCounter(int total, IProgress<FaceDatasetProgress>? progress, ILogger? logger)
    {
        private int completed;
        private int faces;
        private int skipped;

        public void Done() => completed++;

        public void AddFaces(int count) => faces += count;

        public void Skip(SkippedImage skipped)
        {
            if (logger is not null)
                FaceDatasetLog.Skipped(logger, skipped.Path, skipped.Reason, skipped.Message);
            completed++;
            this.skipped++;
            progress?.Report(new FaceDatasetProgress(completed, total, faces, this.skipped, skipped));
        }

        public void Report() => progress?.Report(new FaceDatasetProgress(completed, total, faces, skipped, null));
    }

    /// <summary>Gathers the skipped files for <see cref="EmbedAllAsync"/> and passes every report on.</summary>
    private sealed class ProgressCollector(List<SkippedImage> skipped, IProgress<FaceDatasetProgress>? inner) : IProgress<FaceDatasetProgress>
    {
        public void Report(FaceDatasetProgress value)
        {
            if (value.LastSkipped is { } image)
                skipped.Add(image);
            inner?.Report(value);
        }
    }
}
