using FaceEmbeddings.Attributes;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.FaceApi;
using FaceEmbeddings.Models.TfJs;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Attributes;

/// <summary>
/// face-api's own age, gender and expression outputs (<c>fixtures/face_api_attributes/</c>, computed by face-api 1.7.15
/// in Node.js on 48 crops of 112×112) and the two networks loaded from the shared weights, once for every test that needs them.
/// </summary>
public sealed class FaceApiAttributesReference : IDisposable
{
    public const string AgeGenderManifest = "models/face-api/age_gender_model-weights_manifest.json";
    public const string ExpressionManifest = "models/face-api/face_expression_model-weights_manifest.json";
    public const int CropCount = 48;

    /// <summary>face-api's means, written here from its source rather than taken from the code under test.</summary>
    private static readonly float[] MeanRgb = [122.782f, 117.001f, 104.298f];

    private readonly SafeTensorsFile inputs = SafeTensors.Load(SharedData.PathOf("fixtures/face_api_attributes/inputs.safetensors"));
    private readonly SafeTensorsFile outputs = SafeTensors.Load(SharedData.PathOf("fixtures/face_api_attributes/reference.safetensors"));

    /// <summary>AgeGenderNet with the shared weights.</summary>
    public AgeGenderNet AgeGender { get; } = Load(new AgeGenderNet(), AgeGenderManifest, (net, w) => net.LoadTfJsWeights(w));

    /// <summary>FaceExpressionNet with the shared weights.</summary>
    public FaceExpressionNet Expression { get; } = Load(new FaceExpressionNet(), ExpressionManifest, (net, w) => net.LoadTfJsWeights(w));

    /// <summary>An analyzer with the shared weights and default options, built outside any test's dispose scope.</summary>
    public FaceAnalyzer Analyzer { get; } = FaceAnalyzer.FromFiles(SharedData.PathOf(AgeGenderManifest), SharedData.PathOf(ExpressionManifest));

    /// <summary>The 48 crops exactly as face-api got them: 48×112×112×3 uint8 RGB.</summary>
    public Tensor Crops => inputs["crops"];

    /// <summary>face-api's output <paramref name="name"/> (<c>age</c>, <c>gender_softmax</c>, <c>expressions</c>, …).</summary>
    public Tensor this[string name] => outputs[name];

    /// <summary>Crops <paramref name="start"/>.. as N×3×112×112 float32 0..255, channels first.</summary>
    public Tensor Pixels(long start = 0, long count = CropCount) => Crops.narrow(0, start, count).permute(0, 3, 1, 2).to(ScalarType.Float32);

    /// <summary>Crops as the networks take them: <c>(x − [122.782, 117.001, 104.298]) / 255</c>, in float32.</summary>
    public Tensor Normalized(long start = 0, long count = CropCount)
    {
        using Tensor mean = tensor(MeanRgb, [1, 3, 1, 1]);
        using Tensor divisor = tensor(255f);
        return Pixels(start, count).sub(mean).div_(divisor);
    }

    public void Dispose()
    {
        Analyzer.Dispose();
        AgeGender.Dispose();
        Expression.Dispose();
        inputs.Dispose();
        outputs.Dispose();
    }

    private static T Load<T>(T network, string manifest, Action<T, IReadOnlyDictionary<string, Tensor>> load)
    {
        IReadOnlyDictionary<string, Tensor> weights = TfJsWeights.Load(SharedData.PathOf(manifest));
        try
        {
            load(network, weights);
            return network;
        }
        finally
        {
            foreach (Tensor tensor in weights.Values) tensor.Dispose();
        }
    }
}

/// <summary>Test classes that share one <see cref="FaceApiAttributesReference"/>.</summary>
[CollectionDefinition(Name)]
public sealed class FaceApiAttributesTestGroup : ICollectionFixture<FaceApiAttributesReference>
{
    public const string Name = "face-api attributes reference";
}
