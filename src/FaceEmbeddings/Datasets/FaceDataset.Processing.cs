using System.Runtime.CompilerServices;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
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
        return ProcessAsync(detector, encoder: null, options, progress, cancellationToken);
    }

    /// <summary>
    /// Detects, crops and embeds the faces of every image, a batch at a time, yielding them in the order of
    /// <see cref="Items"/>; see <see cref="DetectAsync"/> for which faces are found and what is skipped.
    /// </summary>
    /// <param name="detector">Finds and crops the faces; its crop size is what <paramref name="encoder"/> sees.</param>
    /// <param name="encoder">Embeds the crops.</param>
    /// <param name="options">Batch size, crop keeping and decoding; defaults when null.</param>
    /// <param name="progress">Receives a report per batch and one per skipped file, on the processing thread.</param>
    /// <param name="cancellationToken">Stops processing between batches.</param>
    /// <returns>The faces with their embeddings (and crops when <see cref="FaceDatasetOptions.KeepCrops"/>).</returns>
    public IAsyncEnumerable<DatasetFace> EmbedAsync(IFaceDetector detector, IFaceEncoder encoder, FaceDatasetOptions? options = null,
        IProgress<FaceDatasetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(encoder);
        options ??= new FaceDatasetOptions();
        options.Validate();
        return ProcessAsync(detector, encoder, options, progress, cancellationToken);
    }

    /// <summary>
    /// Embeds the whole dataset (see <see cref="EmbedAsync"/>) into one <see cref="FaceEmbeddingSet"/>: the faces,
    /// an N×D embedding matrix and the list of skipped files.
    /// </summary>
    /// <inheritdoc cref="EmbedAsync" path="/param"/>
    public async Task<FaceEmbeddingSet> EmbedAllAsync(IFaceDetector detector, IFaceEncoder encoder, FaceDatasetOptions? options = null,
        IProgress<FaceDatasetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var skipped = new List<SkippedImage>();
        var collector = new ProgressCollector(skipped, progress);
        var faces = new List<DatasetFace>();
        try
        {
            await foreach (DatasetFace face in EmbedAsync(detector, encoder, options, collector, cancellationToken).ConfigureAwait(false))
                faces.Add(face);
            return new FaceEmbeddingSet(Source, LabelKeys, faces, encoder.EmbeddingSize, skipped);
        }
        catch
        {
            foreach (DatasetFace face in faces)
                face.Dispose();
            throw;
        }
    }

    private async IAsyncEnumerable<DatasetFace> ProcessAsync(IFaceDetector detector, IFaceEncoder? encoder, FaceDatasetOptions options,
        IProgress<FaceDatasetProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var counter = new ProgressCounter(Items.Count + Rejected.Count, progress, options.Logger);
        foreach (SkippedImage rejected in Rejected)
            counter.Skip(rejected);

        foreach (FaceDatasetItem[] batch in Items.Chunk(options.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Decoding and the networks are synchronous; running them off the caller's thread keeps it responsive.
            List<DatasetFace> faces = await Task.Run(() => ProcessBatch(batch, detector, encoder, options, counter), cancellationToken)
                .ConfigureAwait(false);
            counter.Report();
            int next = 0;
            try
            {
                for (; next < faces.Count; next++)
                    yield return faces[next];
            }
            finally
            {
                // A caller that stops early owns what it received; the rest of the batch is freed here.
                for (int rest = next + 1; rest < faces.Count; rest++)
                    faces[rest].Dispose();
            }
        }
    }

    private static List<DatasetFace> ProcessBatch(FaceDatasetItem[] batch, IFaceDetector detector, IFaceEncoder? encoder,
        FaceDatasetOptions options, ProgressCounter counter)
    {
        var images = new List<(FaceDatasetItem Item, FaceImage Image)>(batch.Length);
        var crops = new List<(FaceDatasetItem Item, int Index, FaceCrop Crop)>();
        try
        {
            foreach (FaceDatasetItem item in batch)
            {
                if (TryLoad(item, options.ImageOptions, counter) is { } image)
                    images.Add((item, image));
            }

            IReadOnlyList<IReadOnlyList<FaceCrop>> found = detector.DetectAndExtract(images.Select(pair => pair.Image).ToList());
            for (int i = 0; i < images.Count; i++)
            {
                if (found[i].Count == 0)
                    counter.Skip(new SkippedImage(images[i].Item.Path, SkipReason.NoFace, $"No face was found in '{images[i].Item.Path}'."));
                else
                    counter.Done();
                for (int face = 0; face < found[i].Count; face++)
                    crops.Add((images[i].Item, face, found[i][face]));
            }

            float[][]? embeddings = encoder is null || crops.Count == 0 ? null : Embed(encoder, crops.Select(entry => entry.Crop).ToList());
            bool keepCrops = encoder is null || options.KeepCrops;
            var faces = new List<DatasetFace>(crops.Count);
            for (int i = 0; i < crops.Count; i++)
            {
                var (item, index, crop) = crops[i];
                faces.Add(new DatasetFace(item, index, crop.Face, embeddings?[i], keepCrops ? crop : null));
                if (!keepCrops)
                    crop.Dispose();
            }
            counter.AddFaces(faces.Count);
            crops.Clear();
            return faces;
        }
        finally
        {
            foreach (var (_, image) in images)
                image.Dispose();
            foreach (var (_, _, crop) in crops)
                crop.Dispose();
        }
    }

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

    private static float[][] Embed(IFaceEncoder encoder, List<FaceCrop> crops)
    {
        using var scope = NewDisposeScope();
        Tensor embeddings = encoder.Embed(crops).to(ScalarType.Float32, CPU).contiguous(); // [N, D]
        float[] values = embeddings.data<float>().ToArray();
        int size = (int)embeddings.shape[1];
        return Enumerable.Range(0, crops.Count).Select(row => values.AsSpan(row * size, size).ToArray()).ToArray();
    }

    /// <summary>Counts processed files and faces and sends the reports; used from one thread at a time.</summary>
    private sealed class ProgressCounter(int total, IProgress<FaceDatasetProgress>? progress, ILogger? logger)
    {
        private int _completed;
        private int _faces;
        private int _skipped;

        public void Done() => _completed++;

        public void AddFaces(int count) => _faces += count;

        public void Skip(SkippedImage skipped)
        {
            if (logger is not null)
                FaceDatasetLog.Skipped(logger, skipped.Path, skipped.Reason, skipped.Message);
            _completed++;
            _skipped++;
            progress?.Report(new FaceDatasetProgress(_completed, total, _faces, _skipped, skipped));
        }

        public void Report() => progress?.Report(new FaceDatasetProgress(_completed, total, _faces, _skipped, null));
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
