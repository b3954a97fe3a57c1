using FaceEmbeddings.Encoding;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.FaceApi;

/// <summary>
/// face-api's own outputs (<c>fixtures/face_api/</c>, computed by face-api 1.7.15 in Node.js) and an encoder with the
/// shared weights (<c>models/face-api/</c>), loaded once for every test that needs them.
/// </summary>
public sealed class FaceApiReference : IDisposable
{
    public const string ManifestPath = "models/face-api/face_recognition_model-weights_manifest.json";

    private readonly SafeTensorsFile inputs = SafeTensors.Load(SharedData.PathOf("fixtures/face_api/inputs.safetensors"));
    private readonly SafeTensorsFile outputs = SafeTensors.Load(SharedData.PathOf("fixtures/face_api/reference.safetensors"));
    private readonly Lazy<FaceApiEncoder> encoder = new(() => FaceApiEncoder.FromFile(SharedData.PathOf(ManifestPath)));

    /// <summary>The encoder with the shared weights and default options.</summary>
    public FaceApiEncoder Encoder => encoder.Value;

    /// <summary>The 24 crops exactly as face-api got them: 24×150×150×3 uint8 RGB.</summary>
    public Tensor Crops => inputs["crops"];

    /// <summary>face-api's descriptors of <see cref="Crops"/>, one call per crop (24×128).</summary>
    public Tensor Descriptors => outputs["descriptors"];

    /// <summary>face-api's descriptors of <see cref="Crops"/> in one batched call (24×128).</summary>
    public Tensor BatchedDescriptors => outputs["descriptors_batched"];

    /// <summary>face-api's loaded weights (<c>weights/&lt;name&gt;</c>), by face-api name, in manifest order.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> Weights =>
        outputs.Tensors.Where(entry => entry.Key.StartsWith("weights/", StringComparison.Ordinal))
            .Select(entry => KeyValuePair.Create(entry.Key["weights/".Length..], entry.Value));

    /// <summary>Crops <paramref name="start"/>.. as N×3×150×150 float32 0..255, channels first.</summary>
    public Tensor Pixels(long start = 0, long count = 24) => Crops.narrow(0, start, count).permute(0, 3, 1, 2).to(ScalarType.Float32);

    public void Dispose()
    {
        if (encoder.IsValueCreated) encoder.Value.Dispose();
        inputs.Dispose();
        outputs.Dispose();
    }
}

/// <summary>Test classes that share one <see cref="FaceApiReference"/>.</summary>
[CollectionDefinition(Name)]
public sealed class FaceApiTestGroup : ICollectionFixture<FaceApiReference>
{
    public const string Name = "face-api reference";
}
