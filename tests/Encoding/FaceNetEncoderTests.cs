using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Encoding;

[Collection(FaceNetTestGroup.Name)]
public sealed class FaceNetEncoderTests(FaceNetReference reference, ITestOutputHelper output)
{
    [Fact]
    public void Loads_the_facenet_pytorch_checkpoint_and_reproduces_its_embeddings_and_logits()
    {
        using var encoder = FaceNetEncoder.FromFile(SharedData.PathOf(FaceNetReference.CheckpointPath));

        using Tensor embeddings = encoder.Embed(reference.AlignedInputs);
        using Tensor logits = encoder.Classify(reference.AlignedInputs);

        float embeddingError = FaceNetReference.MaxAbsDifference(embeddings, reference.Embeddings);
        float logitError = FaceNetReference.MaxAbsDifference(logits, reference.Logits);
        output.WriteLine($"encoder: embeddings max |Δ| {embeddingError:E2}, logits max |Δ| {logitError:E2}");
        embeddingError.Should().BeLessThan(1e-4f);
        logitError.Should().BeLessThan(1e-3f);
        encoder.EmbeddingSize.Should().Be(512);
        encoder.InputSize.Should().Be(160);
        encoder.ClassCount.Should().Be(8631);
        encoder.Device.type.Should().Be(DeviceType.CPU);
        embeddings.device_type.Should().Be(DeviceType.CPU);
        embeddings.dtype.Should().Be(ScalarType.Float32);
    }

    [Fact]
    public void Loads_the_same_weights_from_a_safetensors_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"irv1-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(path, reference.StateDict);
            using var encoder = FaceNetEncoder.FromFile(path);

            using Tensor embeddings = encoder.Embed(reference.AlignedInputs);

            FaceNetReference.MaxAbsDifference(embeddings, reference.Embeddings).Should().BeLessThan(1e-4f);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Embeds_the_mtcnn_crops_as_facenet_pytorch_does()
    {
        FaceNetEncoder encoder = reference.Encoder;
        using var crops = SafeTensors.Load(SharedData.PathOf("fixtures/mtcnn/crops.safetensors"));
        List<FaceCrop> faces = reference.CropOrder.Select(key => FaceNetReference.Crop(crops[key])).ToList();
        try
        {
            using Tensor embeddings = encoder.Embed(faces);
            using Tensor first = encoder.Embed(faces[0]);

            float error = FaceNetReference.MaxAbsDifference(embeddings, reference.CropEmbeddings);
            output.WriteLine($"crop_embeddings: max |Δ| {error:E2}");
            error.Should().BeLessThan(1e-4f);
            first.shape.Should().Equal(512);
            FaceNetReference.MaxAbsDifference(first, reference.CropEmbeddings[0]).Should().BeLessThan(1e-4f);
        }
        finally
        {
            faces.ForEach(face => face.Dispose());
        }
    }

    [Fact]
    public void Standardizes_raw_crops_as_facenet_pytorch_fixed_image_standardization_does()
    {
        FaceNetEncoder encoder = reference.Encoder;
        using var crops = SafeTensors.Load(SharedData.PathOf("fixtures/mtcnn/crops.safetensors"));
        List<FaceCrop> raw = reference.CropOrder.Select(key => FaceNetReference.Crop(crops[key + "_raw"], isStandardized: false)).ToList();
        try
        {
            using Tensor embeddings = encoder.Embed(raw);

            FaceNetReference.MaxAbsDifference(embeddings, reference.CropEmbeddings).Should().BeLessThan(1e-4f);
        }
        finally
        {
            raw.ForEach(face => face.Dispose());
        }
    }

    [Fact]
    public void Embeds_the_98_seed_pipeline_crops_in_bounded_batches_as_facenet_pytorch_does()
    {
        // 49 crops per group with at most 16 per batch: three full batches and a partial one.
        using var encoder = FaceNetEncoder.FromStateDict(reference.StateDict, new FaceNetEncoderOptions { MaxBatchSize = 16 });
        using var seed = SafeTensors.Load(SharedData.PathOf("fixtures/seed_pipeline/reference.safetensors"));
        float worst = 0;
        foreach (string group in new[] { "black_female", "white_female" })
        {
            Tensor groupCrops = seed[$"{group}/crops"];
            List<FaceCrop> faces = Enumerable.Range(0, (int)groupCrops.shape[0]).Select(i => FaceNetReference.Crop(groupCrops[i])).ToList();
            try
            {
                using Tensor embeddings = encoder.Embed(faces);

                embeddings.shape.Should().Equal(49, 512);
                worst = Math.Max(worst, FaceNetReference.MaxAbsDifference(embeddings, seed[$"{group}/embeddings"]));
            }
            finally
            {
                faces.ForEach(face => face.Dispose());
            }
        }
        output.WriteLine($"seed_pipeline (98 crops, 150×150): max |Δ| {worst:E2}");
        worst.Should().BeLessThan(1e-4f);
    }

    [Fact]
    public void The_bfloat16_encoder_keeps_cosine_similarity_of_at_least_0_999_with_facenet_pytorch()
    {
        using var encoder = FaceNetEncoder.FromStateDict(reference.StateDict, new FaceNetEncoderOptions { Precision = EncoderPrecision.BFloat16 });

        using Tensor embeddings = encoder.Embed(reference.AlignedInputs);

        float cosine = FaceNetReference.MinCosine(embeddings, reference.Embeddings);
        output.WriteLine($"bfloat16 encoder: min cosine {cosine:F5}");
        encoder.Precision.Should().Be(EncoderPrecision.BFloat16);
        embeddings.dtype.Should().Be(ScalarType.Float32);
        cosine.Should().BeGreaterThanOrEqualTo(0.999f);
    }

    [Fact]
    public void Results_are_ordinary_tensors_that_callers_may_modify()
    {
        FaceNetEncoder encoder = reference.Encoder;
        using Tensor embeddings = encoder.Embed(reference.AlignedInputs.narrow(0, 0, 1));

        var modify = () => embeddings.mul_(embeddings);
        modify.Should().NotThrow();
    }

    [Fact]
    public void Classifying_needs_a_checkpoint_with_a_logits_layer()
    {
        using var encoder = FaceNetEncoder.FromStateDict(reference.StateDictWithoutLogits);

        encoder.ClassCount.Should().BeNull();
        var classify = () => encoder.Classify(reference.AlignedInputs);
        classify.Should().Throw<InvalidOperationException>().WithMessage("*logits*");
        using Tensor embeddings = encoder.Embed(reference.AlignedInputs);
        FaceNetReference.MaxAbsDifference(embeddings, reference.Embeddings).Should().BeLessThan(1e-4f);
    }

    [Fact]
    public void A_state_dict_of_another_network_is_rejected()
    {
        var partial = reference.StateDict.Where(entry => !entry.Key.StartsWith("block8.", StringComparison.Ordinal)).ToDictionary();
        var load = () => FaceNetEncoder.FromStateDict(partial);
        load.Should().Throw<StateDictMismatchException>().WithMessage("*block8.conv2d.weight*");
    }

    [Fact]
    public void A_missing_checkpoint_file_is_reported_by_name()
    {
        var load = () => FaceNetEncoder.FromFile("/no/such/dir/irv1.pt");
        load.Should().Throw<FileNotFoundException>().WithMessage("*/no/such/dir/irv1.pt*");
    }

    [Fact]
    public void A_cuda_device_is_used_when_present_and_rejected_clearly_when_absent()
    {
        var load = () => FaceNetEncoder.FromStateDict(reference.StateDict, new FaceNetEncoderOptions { Device = new Device(DeviceType.CUDA) });
        if (cuda.is_available())
        {
            using var encoder = load();
            using Tensor embeddings = encoder.Embed(reference.AlignedInputs);
            embeddings.device_type.Should().Be(DeviceType.CUDA);
            FaceNetReference.MaxAbsDifference(embeddings, reference.Embeddings).Should().BeLessThan(1e-3f);
        }
        else
        {
            load.Should().Throw<ArgumentException>().WithMessage("*CUDA*").WithParameterName("options");
        }
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        var zeroBatch = () => FaceNetEncoder.FromStateDict(reference.StateDict, new FaceNetEncoderOptions { MaxBatchSize = 0 });
        zeroBatch.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxBatchSize*");
        var unknownPrecision = () => FaceNetEncoder.FromStateDict(reference.StateDict, new FaceNetEncoderOptions { Precision = (EncoderPrecision)7 });
        unknownPrecision.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Precision*");
    }

    [Fact]
    public void A_disposed_encoder_refuses_work()
    {
        var encoder = FaceNetEncoder.FromStateDict(reference.StateDictWithoutLogits);
        encoder.Dispose();
        encoder.Dispose();

        var embed = () => encoder.Embed(reference.AlignedInputs);
        embed.Should().Throw<ObjectDisposedException>();
    }
}
