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

        IReadOnlyList<FaceCrop> crops = detector.DetectAndExtract(image);
        try
        {
            crops.Should().HaveCount(6);
            crops.Should().OnlyContain(crop => crop.Size == 160 && crop.IsStandardized);
        }
        finally
        {
            foreach (FaceCrop crop in crops) crop.Dispose();
        }
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
        options.CenterWeight.Should().Be(2.0f);
        options.KeepAll.Should().BeFalse();
        options.CropResize.Should().Be(CropResizeMethod.Bilinear);
        options.Device.Should().BeNull();
    }

    public static TheoryData<MtcnnOptions, string> InvalidOptions => new()
    {
        { new MtcnnOptions { ImageSize = 0 }, "ImageSize" },
        { new MtcnnOptions { Margin = -1 }, "Margin" },
        { new MtcnnOptions { Margin = 160 }, "Margin" },
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
