using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.FaceApi;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Models.TfJs;
using FaceEmbeddings.Tests.Infrastructure;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.FaceApi;

/// <summary>The encoder's contract: its input description, crop handling, bad input, memory, loading from a store.</summary>
[Collection(FaceApiTestGroup.Name)]
public sealed class FaceApiEncoderTests(FaceApiReference reference)
{
    [Fact]
    public void Describes_its_input_and_sets_up_the_detector_to_crop_for_it()
    {
        FaceEncoderInput input = reference.Encoder.Input;
        input.Size.Should().Be(150);
        input.MeanRgb.Should().Equal(122.782f, 117.001f, 104.298f);
        input.Divisor.Should().Be(255f);
        reference.Encoder.EmbeddingSize.Should().Be(128);

        MtcnnOptions options = input.ApplyTo(new MtcnnOptions { KeepAll = true, MinFaceSize = 40 });
        options.Should().Be(new MtcnnOptions { KeepAll = true, MinFaceSize = 40, ImageSize = 150, Margin = input.Margin, Alignment = FaceAlignment.DlibMeanFace });
        // Unaligned, a margin of 25 pixels of a 150-pixel crop widens the box 150 / 125 = 1.2 times, as the fixture's crops are cut.
        (150.0 / (150 - input.Margin)).Should().Be(1.2);
    }

    [Fact]
    public void Standardized_and_raw_crops_give_the_same_descriptors_as_the_tensor_call()
    {
        using var scope = NewDisposeScope();
        Tensor pixels = reference.Pixels(12, 3);
        using var half = 127.5f.ToScalar();
        using var step = 128f.ToScalar();
        var face = new DetectedFace(new BoundingBox(0, 0, 1, 1), 1f, []);
        using var raw = new FaceCrop(pixels[0].clone().DetachFromDisposeScope(), face, isStandardized: false);
        using var standardized1 = new FaceCrop(pixels[1].sub(half).div_(step).DetachFromDisposeScope(), face, isStandardized: true);
        using var standardized2 = new FaceCrop(pixels[2].sub(half).div_(step).DetachFromDisposeScope(), face, isStandardized: true);

        Tensor fromCrops = reference.Encoder.Embed([raw, standardized1, standardized2]);
        Tensor fromPixels = reference.Encoder.EmbedPixels(pixels);

        fromCrops.sub(fromPixels).abs().max().item<float>().Should().Be(0f, "standardized whole-number pixels convert back exactly");
        // One crop alone: libtorch's convolutions may sum in another order for another batch size, so compare alike.
        reference.Encoder.Embed(standardized1).data<float>().ToArray().Should().Equal(reference.Encoder.EmbedPixels(pixels.narrow(0, 1, 1)).data<float>().ToArray());
    }

    [Fact]
    public void Bad_input_is_refused_with_a_message_that_names_the_problem()
    {
        using var scope = NewDisposeScope();
        FaceApiEncoder encoder = reference.Encoder;
        encoder.Invoking(e => e.Embed(zeros(1, 150, 150, 3))).Should().Throw<ArgumentException>().WithMessage("*N×3×S×S*[1, 150, 150, 3]*");
        encoder.Invoking(e => e.Embed(zeros([1, 3, 150, 150], ScalarType.Float64))).Should().Throw<ArgumentException>().WithMessage("*float32*");
        encoder.Invoking(e => e.Embed(TestTensors.Filled(200f, 1, 3, 150, 150))).Should().Throw<ArgumentException>().WithMessage("*standardized*EmbedPixels*");
        encoder.Invoking(e => e.Embed(TestTensors.Filled(float.NaN, 1, 3, 150, 150))).Should().Throw<ArgumentException>().WithMessage("*NaN*");
        encoder.Invoking(e => e.EmbedPixels(TestTensors.Filled(300f, 1, 3, 150, 150))).Should().Throw<ArgumentException>().WithMessage("*0 to 255*300*");
        encoder.Invoking(e => e.Embed((IReadOnlyList<FaceCrop>)[null!])).Should().Throw<ArgumentException>().WithMessage("crops[0] is null*");
        encoder.Embed(zeros(0, 3, 150, 150)).shape.Should().Equal(0, 128);
        encoder.Embed((IReadOnlyList<FaceCrop>)[]).shape.Should().Equal(0, 128);
    }

    [Fact]
    public void Bfloat16_descriptors_are_float32_and_keep_a_cosine_of_at_least_0_999_with_face_api()
    {
        using var encoder = FaceApiEncoder.FromFile(SharedData.PathOf(FaceApiReference.ManifestPath),
            new FaceApiEncoderOptions { Precision = EncoderPrecision.BFloat16 });
        using var scope = NewDisposeScope();

        Tensor descriptors = encoder.EmbedPixels(reference.Pixels());

        encoder.Precision.Should().Be(EncoderPrecision.BFloat16);
        descriptors.dtype.Should().Be(ScalarType.Float32);
        nn.functional.cosine_similarity(descriptors, reference.BatchedDescriptors, dim: 1).min().item<float>().Should().BeGreaterThanOrEqualTo(0.999f);
        // bfloat16 changes the result: were the option ignored, the descriptors would equal face-api's to about 1e-6.
        descriptors.sub(reference.BatchedDescriptors).abs().max().item<float>().Should().BeGreaterThan(1e-4f);
    }

    [Fact]
    public void Converting_the_trunk_keeps_the_first_convolution_and_the_final_product_in_float32()
    {
        using var scope = NewDisposeScope();
        using var network = new FaceRecognitionNet();
        network.LoadTfJsWeights(TfJsWeights.Load(SharedData.PathOf(FaceApiReference.ManifestPath)));
        network.ConvertTrunk(ScalarType.BFloat16);

        network.ComputeType.Should().Be(ScalarType.BFloat16);
        foreach ((string name, Parameter parameter) in network.named_parameters())
            parameter.dtype.Should().Be(name.StartsWith("conv32_down.", StringComparison.Ordinal) || name == "fc" ? ScalarType.Float32 : ScalarType.BFloat16, name);
        network.Invoking(n => n.ConvertTrunk(ScalarType.Int8)).Should().Throw<ArgumentException>().WithMessage("*floating-point*Int8*");
    }

    [Fact]
    public void An_unknown_precision_is_refused_naming_the_setting()
    {
        var unknown = () => FaceApiEncoder.FromFile(SharedData.PathOf(FaceApiReference.ManifestPath), new FaceApiEncoderOptions { Precision = (EncoderPrecision)7 });
        unknown.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Precision must be Full or BFloat16*").Which.ParamName.Should().Be("Precision");
    }

    [Fact]
    public void Weights_of_another_network_are_refused_with_the_names_that_differ()
    {
        using var scope = NewDisposeScope();
        IReadOnlyDictionary<string, Tensor> weights = TfJsWeights.Load(SharedData.PathOf(FaceApiReference.ManifestPath));
        var withoutFc = weights.Where(entry => entry.Key != "fc").ToDictionary();

        var refused = FluentActions.Invoking(() => FaceApiEncoder.FromStateDict(withoutFc)).Should().Throw<StateDictMismatchException>().Which;
        refused.MissingKeys.Should().Equal("fc");
    }

    [Fact]
    public async Task Loads_offline_from_a_models_folder_in_the_store_layout()
    {
        var store = new ModelStore(SharedData.PathOf("models"), new ModelStoreOptions { Offline = true });
        using FaceApiEncoder encoder = await FaceApiEncoder.CreateAsync(new FaceApiEncoderOptions { MaxBatchSize = 2 }, store);

        using var scope = NewDisposeScope();
        encoder.EmbedPixels(reference.Pixels(0, 3)).sub(reference.Descriptors.narrow(0, 0, 3)).abs().max().item<float>()
            .Should().BeLessThanOrEqualTo(1e-5f);
    }

    [Theory]
    [InlineData(EncoderPrecision.Full)]
    [InlineData(EncoderPrecision.BFloat16)]
    public void Repeated_calls_leave_no_live_tensors_behind(EncoderPrecision precision)
    {
        using var encoder = FaceApiEncoder.FromFile(SharedData.PathOf(FaceApiReference.ManifestPath),
            new FaceApiEncoderOptions { MaxBatchSize = 2, Precision = precision });
        Tensor pixels = reference.Pixels(0, 3).DetachFromDisposeScope();
        var face = new DetectedFace(new BoundingBox(0, 0, 1, 1), 1f, []);
        List<FaceCrop> crops = Enumerable.Range(0, 3).Select(i => new FaceCrop(pixels[i].clone().DetachFromDisposeScope(), face, isStandardized: false)).ToList();
        try
        {
            void EmbedEverything()
            {
                encoder.EmbedPixels(pixels).Dispose();
                encoder.Embed(crops).Dispose();
                encoder.Embed(crops[0]).Dispose();
            }

            EmbedEverything();
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int i = 0; i < 3; i++) EmbedEverything();
            long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

            after.Should().Be(before);
        }
        finally
        {
            crops.ForEach(crop => crop.Dispose());
            pixels.Dispose();
        }
    }
}
