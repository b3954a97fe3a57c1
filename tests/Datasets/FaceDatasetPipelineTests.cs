using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Detection;
using FaceEmbeddings.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Datasets;

public sealed class FaceDatasetPipelineTests : IClassFixture<PipelineFixture>, IDisposable
{
    private readonly PipelineFixture _pipeline;
    private readonly DatasetFolder _folder = new();

    public FaceDatasetPipelineTests(PipelineFixture pipeline) => _pipeline = pipeline;

    public void Dispose() => _folder.Dispose();

    /// <summary>Two portraits, a truncated JPEG, a text file named .png and a black image, in label folders.</summary>
    private (string Kit, string Rose, string Truncated, string NotAnImage, string Blank) LayOutFolder()
    {
        string kit = _folder.CopyPerson("kit_harington", "john2.jpeg", "kit/john2.jpeg");
        string rose = _folder.CopyPerson("rose_leslie", "img2.jpg", "rose/img2.jpg");
        string truncated = _folder.WriteTruncatedJpeg("kit/truncated.jpg");
        string notAnImage = _folder.Write("rose/notes.png", "these are notes, not pixels"u8.ToArray());
        string blank = _folder.Write("empty/blank.png", File.ReadAllBytes(SharedData.PathOf("fixtures/images/blank.png")));
        return (kit, rose, truncated, notAnImage, blank);
    }

    [Fact]
    public async Task Embeds_every_readable_face_and_skips_the_other_files_saying_which_and_why()
    {
        var files = LayOutFolder();
        var dataset = FaceDataset.FromImageFolder(_folder.Root);
        var reports = new List<FaceDatasetProgress>();

        using FaceEmbeddingSet set = await dataset.EmbedAllAsync(_pipeline.Detector, _pipeline.Encoder,
            new FaceDatasetOptions { BatchSize = 2 }, new Recorder<FaceDatasetProgress>(reports));

        set.Faces.Select(face => face.Item.Path).Should().Equal(files.Kit, files.Rose);
        set.Faces.Select(face => face.Item.Labels[FaceLabels.FolderKey]).Should().Equal("kit", "rose");
        set.Faces.Should().OnlyContain(face => face.FaceIndex == 0);
        set.Embeddings.shape.Should().Equal(2, 512);
        set.Embeddings.device_type.Should().Be(_pipeline.Encoder.Device.type, "embeddings stay on the encoder's device");
        set.Crops.Should().BeNull("no crop was asked for");
        set.CropRows.Should().BeEmpty();
        set.Skipped.Select(skip => (skip.Path, skip.Reason)).Should().BeEquivalentTo(new[]
        {
            (files.Truncated, SkipReason.Unreadable),
            (files.NotAnImage, SkipReason.Unreadable),
            (files.Blank, SkipReason.NoFace),
        });
        set.Skipped.Should().OnlyContain(skip => skip.Message.Contains(skip.Path));

        reports.Should().NotBeEmpty();
        reports[^1].Should().Be(new FaceDatasetProgress(5, 5, 2, 3, null));
        reports.Select(report => report.Completed).Should().BeInAscendingOrder();
        reports.Where(report => report.LastSkipped != null).Select(report => report.LastSkipped!.Path)
            .Should().BeEquivalentTo(new[] { files.Truncated, files.NotAnImage, files.Blank }, "each skipped file is announced once");
    }

    [Fact]
    public async Task Batched_embeddings_equal_those_of_one_image_at_a_time()
    {
        LayOutFolder();
        _folder.CopyUtkFace("10_1_1_20170109202938302.jpg.chip.jpg", "rose/utk1.jpg");
        _folder.CopyUtkFace("10_1_0_20161220222001459.jpg.chip.jpg", "rose/utk2.jpg");
        var dataset = FaceDataset.FromImageFolder(_folder.Root);

        using FaceEmbeddingSet set = await dataset.EmbedAllAsync(_pipeline.Detector, _pipeline.Encoder, new FaceDatasetOptions { BatchSize = 3 });

        set.Faces.Should().HaveCount(4);
        for (int row = 0; row < set.Faces.Count; row++)
        {
            EmbeddedFace face = set.Faces[row];
            using var image = FaceImage.Load(face.Item.Path);
            using FaceCropBatch crops = _pipeline.Detector.DetectAndExtract(image);
            crops.Should().ContainSingle();
            crops[0].Face.Box.Should().Be(face.Face.Box);
            using Tensor alone = _pipeline.Encoder.Embed(crops[0]);
            using Tensor batched = set.Embeddings[row];
            MaxAbsDifference(batched, alone).Should().BeLessThan(1e-5f, face.Item.Path);
        }
    }

    [Fact]
    public async Task Any_detector_works_through_the_interface_with_the_same_results()
    {
        LayOutFolder();
        var dataset = FaceDataset.FromImageFolder(_folder.Root);
        using var wrapped = new InterfaceOnlyDetector(_pipeline.Detector);

        using FaceEmbeddingSet direct = await dataset.EmbedAllAsync(_pipeline.Detector, _pipeline.Encoder);
        using FaceEmbeddingSet throughInterface = await dataset.EmbedAllAsync(wrapped, _pipeline.Encoder);

        throughInterface.Faces.Select(face => (face.Face.Box, face.Face.Probability))
            .Should().Equal(direct.Faces.Select(face => (face.Face.Box, face.Face.Probability)));
        throughInterface.Faces.Select(face => face.Face.Landmarks).Should().BeEquivalentTo(direct.Faces.Select(face => face.Face.Landmarks));
        throughInterface.Skipped.Should().Equal(direct.Skipped);
        MaxAbsDifference(throughInterface.Embeddings, direct.Embeddings).Should().BeLessThan(1e-5f);
    }

    [Fact]
    public async Task Detection_gives_every_face_when_the_detector_keeps_all_with_their_crops()
    {
        _folder.Write("group/multiface.png", File.ReadAllBytes(SharedData.PathOf("fixtures/images/multiface.png")));
        var options = new MtcnnOptions { KeepAll = true, ImageSize = 96 };
        using var detector = MtcnnFixture.CreateDetector(options);
        var dataset = FaceDataset.FromImageFolder(_folder.Root);

        var faces = new List<DatasetFace>();
        try
        {
            await foreach (DatasetFace face in dataset.DetectAsync(detector))
                faces.Add(face);

            // fixtures/mtcnn/detect.json: facenet-pytorch finds six faces in multiface.png.
            faces.Select(face => face.FaceIndex).Should().Equal(0, 1, 2, 3, 4, 5);
            faces.Should().OnlyContain(face => (object?)face.Embedding == null && face.Crop != null && face.Crop.Size == 96);
            faces.Select(face => face.Face.Box.Area).Should().BeInDescendingOrder("faces come largest first");
        }
        finally
        {
            foreach (DatasetFace face in faces) face.Dispose();
        }
    }

    [Fact]
    public async Task Only_the_crops_KeepCrop_selects_are_kept_as_bytes()
    {
        string kit = _folder.CopyPerson("kit_harington", "john2.jpeg", "kit/john2.jpeg");
        _folder.CopyPerson("rose_leslie", "img2.jpg", "rose/img2.jpg");
        string utk = _folder.CopyUtkFace("10_1_1_20170109202938302.jpg.chip.jpg", "utk/a.jpg");
        var dataset = FaceDataset.FromImageFolder(_folder.Root);
        var asked = new List<string>();

        using FaceEmbeddingSet set = await dataset.EmbedAllAsync(_pipeline.Detector, _pipeline.Encoder, new FaceDatasetOptions
        {
            KeepCrop = item =>
            {
                asked.Add(item.Path);
                return item.Labels[FaceLabels.FolderKey] != "rose";
            },
        });

        asked.Should().Equal(set.Faces.Select(face => face.Item.Path), "KeepCrop is asked once per face, in order");
        set.CropRows.Should().Equal(0, 2);
        Tensor crops = set.Crops!;
        crops.shape.Should().Equal(2, 3, 160, 160);
        crops.dtype.Should().Be(ScalarType.Byte);
        crops.device_type.Should().Be(DeviceType.CPU);
        string[] kept = [kit, utk];
        for (int i = 0; i < 2; i++)
        {
            using var image = FaceImage.Load(kept[i]);
            using FaceCropBatch alone = _pipeline.Detector.DetectAndExtract(image);
            using Tensor hwc = crops[i].permute(1, 2, 0).contiguous();
            hwc.data<byte>().ToArray().Should().Equal(alone[0].ToRgbBytes(), "the bytes are the crop as an image (FaceCrop.ToImage's pixels)");
        }
    }

    [Fact]
    public async Task An_embedding_set_survives_the_callers_dispose_scope_and_frees_its_tensors_on_dispose()
    {
        // The batches run on pool threads, so live-tensor counts (per thread) cannot tell; the handles can.
        LayOutFolder();
        var dataset = FaceDataset.FromImageFolder(_folder.Root);
        // The run starts under the caller's scope, which ends before the run does (a scope must not span an await).
        Task<FaceEmbeddingSet> running;
        using (NewDisposeScope())
            running = dataset.EmbedAllAsync(_pipeline.Detector, _pipeline.Encoder, new FaceDatasetOptions { KeepCrop = _ => true });
        FaceEmbeddingSet set = await running;
        set.Embeddings.IsInvalid.Should().BeFalse("the set owns its embeddings, not the caller's scope");
        set.Crops!.IsInvalid.Should().BeFalse();
        set.Embeddings.shape.Should().Equal(2, 512);

        set.Dispose();
        set.Embeddings.IsInvalid.Should().BeTrue();
        set.Crops.IsInvalid.Should().BeTrue();
    }

    [Fact]
    public async Task UtkFace_names_that_do_not_parse_are_reported_as_skipped()
    {
        _folder.CopyUtkFace("10_1_1_20170109202938302.jpg.chip.jpg");
        string invalid = _folder.CopyUtkFace("10_1_0_20161220222001459.jpg.chip.jpg", "10_1_20161220222001459.jpg.chip.jpg");
        var dataset = FaceDataset.FromUtkFace(_folder.Root);

        using FaceEmbeddingSet set = await dataset.EmbedAllAsync(_pipeline.Detector, _pipeline.Encoder);

        set.Faces.Should().ContainSingle().Which.Item.Labels.ToString().Should().Be("age=10, gender=female, race=Black");
        set.Skipped.Should().ContainSingle().Which.Should().Match<SkippedImage>(skip => skip.Path == invalid && skip.Reason == SkipReason.InvalidLabels);
        set.GroupNames([UtkFaceLabels.RaceKey, UtkFaceLabels.GenderKey]).Should().Equal("Black, female");
        FluentActions.Invoking(() => set.GroupNames(["label"])).Should().Throw<ArgumentException>().WithMessage("*'label'*'age', 'gender', 'race'*");
    }

    [Fact]
    public async Task Cancellation_stops_the_run_between_batches()
    {
        LayOutFolder();
        var dataset = FaceDataset.FromImageFolder(_folder.Root);
        using var cancellation = new CancellationTokenSource();
        var progress = new Recorder<FaceDatasetProgress>([], report =>
        {
            if (report.LastSkipped is null && report.Completed > 0) cancellation.Cancel();
        });

        var run = () => dataset.EmbedAllAsync(_pipeline.Detector, _pipeline.Encoder, new FaceDatasetOptions { BatchSize = 1 }, progress, cancellation.Token);

        await run.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Saved_safetensors_and_csv_read_back_to_the_same_faces()
    {
        LayOutFolder();
        var dataset = FaceDataset.FromImageFolder(_folder.Root);
        using FaceEmbeddingSet set = await dataset.EmbedAllAsync(_pipeline.Detector, _pipeline.Encoder);
        string safetensors = _folder.PathOf("out/embeddings.safetensors");
        string csv = _folder.PathOf("out/embeddings.csv");

        await set.SaveAsync(safetensors);
        await set.SaveAsync(csv);

        using (SafeTensorsFile file = SafeTensors.Load(safetensors))
        using (Tensor expected = set.Embeddings.cpu())
        {
            file[FaceEmbeddingSet.EmbeddingsKey].shape.Should().Equal(2, 512);
            using (Tensor same = file[FaceEmbeddingSet.EmbeddingsKey].eq(expected).all())
                same.item<bool>().Should().BeTrue();
            file[FaceEmbeddingSet.BoxesKey][1].data<float>().ToArray().Should().Equal(
                set.Faces[1].Face.Box.X1, set.Faces[1].Face.Box.Y1, set.Faces[1].Face.Box.X2, set.Faces[1].Face.Box.Y2);
            file[FaceEmbeddingSet.LandmarksKey].shape.Should().Equal(2, 5, 2);
            file.Metadata[FaceEmbeddingSet.PathsKey].Should().Be(System.Text.Json.JsonSerializer.Serialize(set.Faces.Select(face => face.Item.Path)));
            file.Metadata[FaceEmbeddingSet.SkippedKey].Should().Contain("truncated.jpg").And.Contain("NoFace");
        }

        string[] lines = File.ReadAllLines(csv);
        lines.Should().HaveCount(3);
        string[] header = lines[0].Split(',');
        header[..8].Should().Equal("path", "label", "face", "probability", "x1", "y1", "x2", "y2");
        header.Should().HaveCount(8 + 512);
        for (int row = 0; row < 2; row++)
        {
            string[] fields = lines[row + 1].Split(',');
            fields[0].Should().Be(set.Faces[row].Item.Path);
            using Tensor embedding = set.Embeddings[row].cpu();
            fields[8..].Select(value => float.Parse(value, System.Globalization.CultureInfo.InvariantCulture))
                .Should().Equal(embedding.data<float>().ToArray(), "CSV values round-trip exactly");
        }
    }

    private static float MaxAbsDifference(Tensor a, Tensor b)
    {
        a.shape.Should().Equal(b.shape);
        using var scope = NewDisposeScope();
        return (a - b).abs().max().item<float>();
    }

    /// <summary>An <see cref="IProgress{T}"/> that records every report synchronously, in order.</summary>
    private sealed class Recorder<T>(List<T> reports, Action<T>? then = null) : IProgress<T>
    {
        public void Report(T value)
        {
            reports.Add(value);
            then?.Invoke(value);
        }
    }

    /// <summary>MTCNN seen only through <see cref="IFaceDetector"/>, as a detector of another kind would be.</summary>
    private sealed class InterfaceOnlyDetector(IFaceDetector inner) : IFaceDetector
    {
        public IReadOnlyList<DetectedFace> Detect(FaceImage image) => inner.Detect(image);

        public IReadOnlyList<IReadOnlyList<DetectedFace>> Detect(IReadOnlyList<FaceImage> images) => inner.Detect(images);

        public FaceCrop Extract(FaceImage image, DetectedFace face) => inner.Extract(image, face);

        public FaceCrop Extract(FaceImage image, DetectedFace face, FaceCropGeometry geometry) => inner.Extract(image, face, geometry);

        public FaceCropGeometry? Geometry => inner.Geometry;

        public FaceCropBatch DetectAndExtract(FaceImage image) => inner.DetectAndExtract(image);

        public void Dispose()
        {
        }
    }
}
