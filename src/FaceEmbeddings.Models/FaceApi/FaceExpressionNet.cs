using TorchSharp;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.Runtime;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>
/// face-api's facial expression network (<c>FaceExpressionNet</c>): four dense blocks of depthwise-separable convolutions
/// (face-api's <c>FaceFeatureExtractor</c>) on a 112×112 RGB face, average-pooled to 256 features, and a fully connected
/// layer giving one logit per expression in face-api's order (<see cref="Expressions"/>); face-api reports their softmax.
/// </summary>
/// <remarks>
/// Parameter names are face-api's weight names with <c>/</c> replaced by <c>.</c>; filters are held in PyTorch's
/// layout. <see cref="LoadTfJsWeights"/> converts both. Padding is TensorFlow's <c>'same'</c> (asymmetric at stride 2).
/// </remarks>
public sealed class FaceExpressionNet : nn.Module<Tensor, Tensor>
{
    /// <summary>Side of the square input, in pixels.</summary>
    public const int InputSize = 112;

    /// <summary>The expressions, in the order of the network's outputs (face-api's <c>FACE_EXPRESSION_LABELS</c>).</summary>
    public static IReadOnlyList<string> Expressions { get; } = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"];

    // Field names are face-api's weight names.
    private readonly DenseBlock dense0;
    private readonly DenseBlock dense1;
    private readonly DenseBlock dense2;
    private readonly DenseBlock dense3;
    private readonly FullyConnected fc;
    private ScalarType computeType = ScalarType.Float32;

    /// <summary>Creates the network with uninitialized weights; load them with <see cref="LoadTfJsWeights"/>.</summary>
    public FaceExpressionNet() : base(nameof(FaceExpressionNet))
    {
        Nnpack.EnsureConfigured(); // libtorch would warn on every convolution where NNPACK is unsupported
        dense0 = new DenseBlock(nameof(dense0), 3, 32, isFirst: true);
        dense1 = new DenseBlock(nameof(dense1), 32, 64, isFirst: false);
        dense2 = new DenseBlock(nameof(dense2), 64, 128, isFirst: false);
        dense3 = new DenseBlock(nameof(dense3), 128, 256, isFirst: false);
        fc = new FullyConnected(nameof(fc), 256, Expressions.Count);
        RegisterComponents();
        this.DetachParametersFromDisposeScope();
        eval();
    }

    /// <inheritdoc cref="AgeGenderNet.LoadTfJsWeights"/>
    public void LoadTfJsWeights(IReadOnlyDictionary<string, Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using var scope = NewDisposeScope();
        this.LoadStateDict(TfJsLayout.ToStateDict(weights));
    }

    /// <inheritdoc cref="AgeGenderNet.ComputeType"/>
    public ScalarType ComputeType => computeType;

    /// <inheritdoc cref="AgeGenderNet.ConvertTrunk"/>
    public void ConvertTrunk(ScalarType computeType)
    {
        ReducedPrecision.Require(computeType, nameof(computeType));
        dense0.ConvertAfterInput(computeType);
        dense1.to(computeType);
        dense2.to(computeType);
        dense3.to(computeType);
        this.computeType = computeType;
        this.DetachParametersFromDisposeScope(); // the converted parameters are new tensors
    }

    /// <summary>Expression logits of normalized faces.</summary>
    /// <param name="input">N×3×112×112 float32 RGB, <c>(x − [122.782, 117.001, 104.298]) / 255</c> per channel.</param>
    /// <returns>N×7 logits, columns in the order of <see cref="Expressions"/>.</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = dense0.call(input);                           // N×32×56×56
        x = dense1.call(x);                                      // N×64×28×28
        x = dense2.call(x);                                      // N×128×14×14
        x = dense3.call(x);                                      // N×256×7×7
        // face-api's 7×7 stride-2 "valid" average pool of a 7×7 map is the mean.
        Tensor features = x.to(ScalarType.Float32).mean([2, 3]); // N×256
        return fc.Apply(features).MoveToOuterDisposeScope();     // N×7
    }
}
