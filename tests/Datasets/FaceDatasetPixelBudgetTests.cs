using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Datasets;

/// <summary><see cref="FaceDatasetOptions.MaxBatchPixels"/>: a dataset's batches are cut by decoded pixels as well as by
/// count, with the same faces and embeddings.</summary>
public sealed class FaceDatasetPixelBudgetTests : IClassFixture<PipelineFixture>, IDisposable
{
    private const long UtkFacePixels = 200 * 200;

    private readonly PipelineFixture _pipeline;
    private readonly DatasetFolder _folder = new();

    public FaceDatasetPixelBudgetTests(PipelineFixture pipeline) => _pipeline = pipeline;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_small_pixel_budget_cuts_the_batches_and_gives_the_same_faces_and_embeddings()
    {
        // In path order: a 630×374 portrait, a truncated file, a 577×880 portrait, two 200×200 chips, a 512×512 blank.
        _folder.CopyPerson("kit_harington", "john2.jpeg", "a/john2.jpeg");
        _folder.WriteTruncatedJpeg("b/truncated.jpg");
        _folder.CopyPerson("rose_leslie", "img2.jpg", "c/img2.jpg");
        _folder.CopyUtkFace("10_1_1_20170109202938302.jpg.chip.jpg", "d/utk1.jpg");
        _folder.CopyUtkFace("10_1_0_20161220222001459.jpg.chip.jpg", "d/utk2.jpg");
        _folder.Write("e/blank.png", File.ReadAllBytes(Infrastructure.SharedData.PathOf("fixtures/images/blank.png")));
        var dataset = FaceDataset.FromImageFolder(_folder.Root);
        var wholeBatches = new BatchRecorder(_pipeline.Detector);
        var cutBatches = new BatchRecorder(_pipeline.Detector);

        using FaceEmbeddingSet whole = await dataset.EmbedAllAsync(wholeBatches, _pipeline.Encoder);
        using FaceEmbeddingSet cut = await dataset.EmbedAllAsync(cutBatches, _pipeline.Encoder,
            new FaceDatasetOptions { MaxBatchPixels = 2 * UtkFacePixels });

        wholeBatches.Pixels.Should().ContainSingle("the default budget holds every image of a 32-image batch of this size");
        // The chips are the only images of one size, and they share a pyramid in both runs (the others are alone in
        // their size), so the detector computes the same; only the encoder's batches differ.
        cutBatches.Pixels.Should().Equal(
            new long[][] { [630 * 374], [577 * 880], [UtkFacePixels, UtkFacePixels], [512 * 512] },
            (actual, expected) => actual.SequenceEqual(expected),
            "each portrait and the blank exceed the budget and go alone (the unreadable file with the first, weighing nothing); the two chips fill it together");

        cut.Faces.Should().HaveCount(4);
        cut.Faces.Select(face => (face.Item.Path, face.FaceIndex, face.Face.Box, face.Face.Probability))
            .Should().Equal(whole.Faces.Select(face => (face.Item.Path, face.FaceIndex, face.Face.Box, face.Face.Probability)));
        cut.Faces.SelectMany(face => face.Face.Landmarks).Should().Equal(whole.Faces.SelectMany(face => face.Face.Landmarks));
        cut.Skipped.Should().Equal(whole.Skipped);
        cut.Skipped.Select(skip => skip.Reason).Should().Equal(SkipReason.Unreadable, SkipReason.NoFace);
        using (NewDisposeScope())
            (cut.Embeddings - whole.Embeddings).abs().max().item<float>().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public async Task The_count_limit_still_holds_under_the_pixel_budget_and_counts_unreadable_files()
    {
        _folder.WriteTruncatedJpeg("chips/bad.jpg");
        for (int i = 0; i < 5; i++)
            _folder.CopyUtkFace("10_1_1_20170109202938302.jpg.chip.jpg", $"chips/utk{i}.jpg");
        var dataset = FaceDataset.FromImageFolder(_folder.Root);
        var batches = new BatchRecorder(_pipeline.Detector);

        await foreach (DatasetFace face in dataset.DetectAsync(batches, new FaceDatasetOptions { BatchSize = 2, MaxBatchPixels = 3 * UtkFacePixels }))
            face.Dispose();

        // bad.jpg comes first and fills a place of the first batch, as it always has: [bad, utk0], [utk1, utk2], [utk3, utk4].
        batches.Pixels.Select(batch => batch.Length).Should().Equal(1, 2, 2);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_pixel_budget_below_one_is_refused(long maxBatchPixels)
    {
        var options = new FaceDatasetOptions { MaxBatchPixels = maxBatchPixels };
        var dataset = FaceDataset.FromImageFolder(_folder.Root);

        Func<Task> run = () => dataset.EmbedAllAsync(_pipeline.Detector, _pipeline.Encoder, options);

        (await run.Should().ThrowAsync<ArgumentOutOfRangeException>()).WithParameterName(nameof(FaceDatasetOptions.MaxBatchPixels));
    }

    /// <summary>MTCNN, recording the pixels of each image of every batch the dataset hands it.</summary>
    private sealed class BatchRecorder(IFaceDetector inner) : IFaceDetector
    {
        public List<long[]> Pixels { get; } = [];

        public IReadOnlyList<DetectedFace> Detect(FaceImage image) => inner.Detect(image);

        public IReadOnlyList<IReadOnlyList<DetectedFace>> Detect(IReadOnlyList<FaceImage> images) => inner.Detect(images);

        public FaceCrop Extract(FaceImage image, DetectedFace face) => inner.Extract(image, face);

        public FaceCrop Extract(FaceImage image, DetectedFace face, FaceCropGeometry geometry) => inner.Extract(image, face, geometry);

        public FaceCropGeometry? Geometry => inner.Geometry;

        public FaceCropBatch DetectAndExtract(FaceImage image) => inner.DetectAndExtract(image);

        public FaceCropBatch DetectAndExtract(IReadOnlyList<FaceImage> images, FaceCropGeometry? geometry)
        {
            Pixels.Add(images.Select(image => (long)image.Width * image.Height).ToArray());
            return inner.DetectAndExtract(images, geometry);
        }

        public void Dispose()
        {
        }
    }
}
