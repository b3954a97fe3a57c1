using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Detection;

public sealed class MtcnnFaceDetectorTests
{
    [Fact]
    public async Task CreateAsync_takes_the_weights_from_the_model_store()
    {
        var store = new ModelStore(SharedData.PathOf("models"));
        using MtcnnFaceDetector detector = await MtcnnFaceDetector.CreateAsync(new MtcnnOptions { KeepAll = true }, store);
        using FaceImage image = FaceImage.Load(SharedData.PathOf("fixtures/images/multiface.png"));

        using FaceCropBatch crops = detector.DetectAndExtract(image);
        crops.Should().HaveCount(6);
        crops.Should().OnlyContain(crop => crop.Size == 160 && crop.IsStandardized);
    }

    [Fact]
    public void A_detector_created_inside_a_dispose_scope_outlives_the_scope()
    {
        MtcnnFaceDetector detector;
        using (NewDisposeScope())
            detector = MtcnnFixture.CreateDetector(new MtcnnOptions());
        using (detector)
        using (FaceImage image = FaceImage.Load(SharedData.PathOf("fixtures/images/kate_siegel.png")))
            detector.Detect(image).Should().ContainSingle();
    }

    [Fact]
    public void A_crop_batch_outlives_the_callers_dispose_scope_and_dispose_frees_every_crop()
    {
        // No worker threads: every tensor is made on this thread, which the live-tensor count is per.
        using MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(new MtcnnOptions { KeepAll = true, WorkerThreads = 0 });
        using FaceImage image = FaceImage.Load(SharedData.PathOf("fixtures/images/multiface.png"));
        detector.DetectAndExtract(image).Dispose();
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        FaceCropBatch crops;
        using (NewDisposeScope())
            crops = detector.DetectAndExtract(image);
        crops.Should().HaveCount(6).And.OnlyContain(crop => !crop.Pixels.IsInvalid, "the batch owns its crops, not the caller's scope");
        crops.ImageCount.Should().Be(1);
        crops.OfImage(0).Should().Equal(crops);
        TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before + 6, "one tensor per crop stays, nothing else");

        Tensor[] pixels = crops.Select(crop => crop.Pixels).ToArray();
        crops.Dispose();
        pixels.Should().OnlyContain(tensor => tensor.IsInvalid);
        TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
        FluentActions.Invoking(() => crops[0]).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void A_batch_of_images_gives_each_images_crops_in_order()
    {
        using MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(new MtcnnOptions { KeepAll = true });
        string[] names = ["multiface", "blank", "kate_siegel"];
        FaceImage[] images = names.Select(name => FaceImage.Load(SharedData.PathOf($"fixtures/images/{name}.png"))).ToArray();
        try
        {
            using FaceCropBatch batch = detector.DetectAndExtract(images);

            batch.ImageCount.Should().Be(3);
            batch.Select(crop => crop.Face).Should().Equal(names.SelectMany((_, i) => batch.OfImage(i)).Select(crop => crop.Face));
            for (int i = 0; i < images.Length; i++)
            {
                using FaceCropBatch alone = detector.DetectAndExtract(images[i]);
                batch.OfImage(i).Select(crop => crop.Face.Box).Should().Equal(alone.Select(crop => crop.Face.Box), names[i]);
            }
            batch.OfImage(0).Should().HaveCount(6);
            batch.OfImage(1).Should().BeEmpty();
            batch.OfImage(2).Should().ContainSingle();
            FluentActions.Invoking(() => batch.OfImage(3)).Should().Throw<ArgumentOutOfRangeException>();
        }
        finally
        {
            foreach (FaceImage image in images) image.Dispose();
        }
    }

    [Fact]
    public void Threads_sharing_one_detector_get_the_sequential_results()
    {
        using MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(new MtcnnOptions());
        string[] names = { "kate_siegel", "angelina_jolie", "blank", "shea_whigham" };
        FaceImage[] images = names.Select(name => FaceImage.Load(SharedData.PathOf($"fixtures/images/{name}.png"))).ToArray();
        try
        {
            BoundingBox[][] sequential = images.Select(image => detector.Detect(image).Select(face => face.Box).ToArray()).ToArray();
            BoundingBox[][] parallel = new BoundingBox[images.Length * 3][];
            Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 },
                i => parallel[i] = detector.Detect(images[i % images.Length]).Select(face => face.Box).ToArray());
            for (int i = 0; i < parallel.Length; i++)
                parallel[i].Should().Equal(sequential[i % images.Length]);
        }
        finally
        {
            foreach (FaceImage image in images) image.Dispose();
        }
    }

    [Fact]
    public void A_disposed_detector_refuses_work()
    {
        MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(new MtcnnOptions());
        detector.Dispose();
        detector.Dispose();
        using FaceImage image = FaceImage.FromRgb(new byte[3 * 40 * 40], 40, 40);
        Action detect = () => detector.Detect(image);
        detect.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Weights_of_the_wrong_network_are_refused()
    {
        string rnet = SharedData.PathOf("models/mtcnn/rnet.pt");
        Action swapped = () => MtcnnFaceDetector.FromFiles(rnet, rnet, SharedData.PathOf("models/mtcnn/onet.pt"));
        swapped.Should().Throw<StateDictMismatchException>();

        string notACheckpoint = SharedData.PathOf("fixtures/checkpoints/not-a-checkpoint.pt");
        Action garbage = () => MtcnnFaceDetector.FromFiles(notACheckpoint, rnet, SharedData.PathOf("models/mtcnn/onet.pt"));
        garbage.Should().Throw<CheckpointFormatException>();
    }

    [Fact]
    public void Defaults_are_facenets()
    {
        var options = new MtcnnOptions();
        options.ImageSize.Should().Be(160);
        options.Margin.Should().Be(0);
        options.MinFaceSize.Should().Be(20);
        options.Thresholds.Should().Be(new MtcnnThresholds(0.6f, 0.7f, 0.7f));
        options.Factor.Should().Be(0.709);
        options.PostProcess.Should().BeTrue();
        options.Selection.Should().Be(FaceSelection.Largest);
        options.SelectionThreshold.Should().Be(0.9f);
        options.ConfidentProbability.Should().Be(0.95f);
        options.CenterWeight.Should().Be(2.0f);
        options.KeepAll.Should().BeFalse();
        options.CropResize.Should().Be(CropResizeMethod.Bilinear);
        options.Device.Should().BeNull();
        options.WorkerThreads.Should().BeNull();
    }

    public static TheoryData<MtcnnOptions, string> InvalidOptions => new()
    {
        { new MtcnnOptions { ImageSize = 0 }, "ImageSize" },
        { new MtcnnOptions { Margin = -1 }, "Margin" },
        { new MtcnnOptions { Margin = 160 }, "Margin" },
        { new MtcnnOptions { WorkerThreads = -1 }, "WorkerThreads" },
        { new MtcnnOptions { MaxBatchPixels = 0 }, "MaxBatchPixels" },
        { new MtcnnOptions { MaxBatchPixels = -1 }, "MaxBatchPixels" },
        { new MtcnnOptions { MinFaceSize = 0 }, "MinFaceSize" },
        { new MtcnnOptions { Factor = 1.0 }, "Factor" },
        { new MtcnnOptions { Factor = double.NaN }, "Factor" },
        { new MtcnnOptions { Thresholds = new MtcnnThresholds(0.6f, 1.5f, 0.7f) }, "Thresholds.RNet" },
        { new MtcnnOptions { SelectionThreshold = -0.1f }, "SelectionThreshold" },
        { new MtcnnOptions { CenterWeight = float.PositiveInfinity }, "CenterWeight" },
        { new MtcnnOptions { Selection = (FaceSelection)42 }, "Selection" },
        { new MtcnnOptions { CropResize = (CropResizeMethod)42 }, "CropResize" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_are_refused_before_any_weights_load(MtcnnOptions options, string setting)
    {
        // The weight paths do not exist: validation must fail first.
        Action create = () => MtcnnFaceDetector.FromFiles("missing-pnet.pt", "missing-rnet.pt", "missing-onet.pt", options);
        create.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(setting);
    }
}
