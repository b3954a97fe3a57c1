using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.FaceNet;

/// <summary>
/// facenet-pytorch's InceptionResnetV1 fixture, loaded once for every test that needs it: the random-weight
/// checkpoint (facenet-pytorch keys, VGGFace2 shapes including 8631 logits) and the outputs facenet-pytorch computed with it.
/// </summary>
public sealed class FaceNetReference : IDisposable
{
    public const string CheckpointPath = "fixtures/inception_resnet_v1/irv1-random-fp16.pt";

    private readonly SafeTensorsFile outputs = SafeTensors.Load(SharedData.PathOf("fixtures/inception_resnet_v1/reference.safetensors"));

    private readonly Lazy<FaceNetEncoder> encoder;

    public FaceNetReference()
    {
        StateDict = TorchCheckpoint.Load(SharedData.PathOf(CheckpointPath));
        encoder = new Lazy<FaceNetEncoder>(() => FaceNetEncoder.FromStateDict(StateDict));
    }

    /// <summary>An encoder with the checkpoint's weights and default options, shared by tests that need nothing else.</summary>
    public FaceNetEncoder Encoder => encoder.Value;

    /// <summary>The checkpoint's tensors as read from disk (float16, as stored).</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict { get; }

    /// <summary>A new InceptionResnetV1 (VGGFace2's classes) with <see cref="StateDict"/> loaded.</summary>
    public Models.FaceNet.InceptionResnetV1 LoadedModel()
    {
        var model = new Models.FaceNet.InceptionResnetV1(numClasses: Models.FaceNet.InceptionResnetV1.VggFace2ClassCount);
        model.LoadStateDict(StateDict);
        return model;
    }

    /// <summary>The five aligned 160×160 crops, standardized (5×3×160×160).</summary>
    public Tensor AlignedInputs => outputs["aligned_inputs"];

    /// <summary>facenet-pytorch's embeddings of <see cref="AlignedInputs"/> (5×512).</summary>
    public Tensor Embeddings => outputs["embeddings"];

    /// <summary>facenet-pytorch's classify-mode logits of <see cref="AlignedInputs"/> (5×8631).</summary>
    public Tensor Logits => outputs["logits"];

    /// <summary>facenet-pytorch's embeddings (4×512) of the MTCNN crops named in <see cref="CropOrder"/>.</summary>
    public Tensor CropEmbeddings => outputs["crop_embeddings"];

    /// <summary>Keys into <c>fixtures/mtcnn/crops.safetensors</c>, in the row order of <see cref="CropEmbeddings"/>.</summary>
    public IReadOnlyList<string> CropOrder => outputs.Metadata["crop_order"].Split(',');

    /// <summary>The state dict without the <c>logits</c> layer, as saved by a model built without classes.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDictWithoutLogits =>
        StateDict.Where(entry => !entry.Key.StartsWith("logits.", StringComparison.Ordinal)).ToDictionary();

    public static float MaxAbsDifference(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        actual.shape.Should().Equal(expected.shape);
        return (actual.to(ScalarType.Float32).cpu() - expected.to(ScalarType.Float32).cpu()).abs().max().item<float>();
    }

    /// <summary>Smallest cosine similarity between corresponding rows.</summary>
    public static float MinCosine(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        return nn.functional.cosine_similarity(actual.to(ScalarType.Float32).cpu(), expected.to(ScalarType.Float32).cpu(), dim: 1).min().item<float>();
    }

    /// <summary>Wraps a 3×S×S tensor (copied, as float32) as a face crop covering the whole S×S image.</summary>
    public static FaceCrop Crop(Tensor pixels, bool isStandardized = true)
    {
        float size = pixels.shape[^1];
        var face = new DetectedFace(new BoundingBox(0, 0, size, size), 1f, Enumerable.Repeat(new FacePoint(size / 2, size / 2), DetectedFace.LandmarkCount).ToList());
        return new FaceCrop(pixels.to(ScalarType.Float32).clone(), face, isStandardized);
    }

    public void Dispose()
    {
        if (encoder.IsValueCreated) encoder.Value.Dispose();
        outputs.Dispose();
        foreach (Tensor tensor in StateDict.Values) tensor.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class FaceNetTestGroup : ICollectionFixture<FaceNetReference>
{
    public const string Name = "FaceNet reference";
}
