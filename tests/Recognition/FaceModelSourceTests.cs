using FaceEmbeddings.Detection;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.FaceApi;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Recognition;

/// <summary>The one place the front ends' model settings are decided.</summary>
public sealed class FaceModelSourceTests
{
    [Fact]
    public void The_gallery_name_is_the_weights_file_without_its_extension_else_the_model()
    {
        new FaceModelSource().Name.Should().Be("vggface2");
        new FaceModelSource { Model = "face-api-resnet" }.Name.Should().Be("face-api-resnet");
        new FaceModelSource { Weights = "/models/my-net.safetensors" }.Name.Should().Be("my-net");
    }

    [Fact]
    public void The_published_threshold_follows_the_network_and_a_local_face_api_manifest_keeps_dlibs()
    {
        new FaceModelSource { Model = "face-api-resnet", Weights = SharedData.PathOf(FaceApiReference.ManifestPath) }
            .PublishedThreshold(DistanceMetric.Euclidean)!.Distance.Should().Be(0.6);
        new FaceModelSource().PublishedThreshold(DistanceMetric.Euclidean)!.Distance.Should().Be(1.04);
        new FaceModelSource { Weights = SharedData.PathOf(FaceNetReference.CheckpointPath) }.PublishedThreshold(DistanceMetric.Euclidean)
            .Should().BeNull("a random checkpoint has no published threshold");
    }

    [Fact]
    public void Every_setting_at_fault_is_listed_and_named()
    {
        var source = new FaceModelSource { Model = " ", Weights = "/nowhere/irv1.pt", Alignment = "dlib2", Device = "gpu7" };

        source.Problems().Select(problem => problem.Setting).Should().Equal(
            FaceModelSetting.Model, FaceModelSetting.Weights, FaceModelSetting.Alignment, FaceModelSetting.Device);
        source.Problems()[1].Message.Should().Contain("/nowhere/irv1.pt");
        FluentActions.Invoking(source.Validate).Should().Throw<FaceModelSourceException>().Which.Setting.Should().Be(FaceModelSetting.Model);
        new FaceModelSource { Model = "face-api-resnet", Weights = SharedData.PathOf(FaceNetReference.CheckpointPath) }.Problems()
            .Should().ContainSingle().Which.Message.Should().Contain("TF.js manifest");
        new FaceModelSource().Problems().Should().BeEmpty();
    }

    [Theory]
    [InlineData("cpu", true)]
    [InlineData(" CUDA ", true)]
    [InlineData("cuda:1", true)]
    [InlineData("cuda:x", false)]
    [InlineData("cuda:-1", false)]
    [InlineData("gpu7", false)]
    [InlineData("", false)]
    public void Devices_are_read_as_cpu_cuda_or_cuda_n(string text, bool readable)
    {
        new FaceModelSource { Device = text }.Problems().Any(problem => problem.Setting == FaceModelSetting.Device).Should().Be(!readable);
    }

    [Fact]
    public void Face_apis_detector_settings_are_its_aligned_chips_and_facenets_keep_the_configured_crop()
    {
        var configured = new MtcnnOptions { ImageSize = 200, Margin = 10, Selection = FaceSelection.LargestConfident };

        MtcnnOptions faceApi = new FaceModelSource { Model = "face-api-resnet" }.DetectorOptions(configured);
        MtcnnOptions faceNet = new FaceModelSource().DetectorOptions(configured);
        MtcnnOptions aligned = new FaceModelSource { Alignment = "dlib-mean-face" }.DetectorOptions(configured);

        (faceApi.ImageSize, faceApi.Alignment, faceApi.Selection).Should().Be((150, FaceAlignment.DlibMeanFace, FaceSelection.LargestConfident));
        (faceNet.ImageSize, faceNet.Margin, faceNet.Alignment).Should().Be((200, 10, (FaceAlignment?)null));
        aligned.Alignment.Should().Be(FaceAlignment.DlibMeanFace);
        faceNet.Device!.type.Should().Be(TorchSharp.DeviceType.CPU);
    }
}
