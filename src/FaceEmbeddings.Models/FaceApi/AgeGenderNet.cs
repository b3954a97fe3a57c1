using TorchSharp;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.Runtime;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>
/// face-api's age and gender network (<c>AgeGenderNet</c>): a TinyXception feature extractor (depthwise-separable
/// convolutions, two middle blocks) on a 112×112 RGB face, average-pooled to 512 features, with two heads: the apparent
/// age in years (a regression, not clamped) and two gender logits, [male, female], whose softmax face-api reports.
/// </summary>
/// <remarks>
/// Parameter names are face-api's weight names with <c>/</c> replaced by <c>.</c>; filters are held in PyTorch's
/// layout. <see cref="LoadTfJsWeights"/> converts both. Padding is TensorFlow's <c>'same'</c> (asymmetric at stride 2).
/// </remarks>
public sealed class AgeGenderNet : nn.Module<Tensor, (Tensor Age, Tensor GenderLogits)>
{
    /// <summary>Side of the square input, in pixels.</summary>
    public const int InputSize = 112;

    /// <summary>Number of features the heads read.</summary>
    private const int FeatureCount = 512;

    // Field names are face-api's weight names.
    private readonly XceptionEntryFlow entry_flow;
    private readonly XceptionMiddleFlow middle_flow;
    private readonly XceptionExitFlow exit_flow;
    private readonly AgeGenderHeads fc;
    private ScalarType computeType = ScalarType.Float32;

    /// <summary>Creates the network with uninitialized weights; load them with <see cref="LoadTfJsWeights"/>.</summary>
    public AgeGenderNet() : base(nameof(AgeGenderNet))
    {
        Nnpack.EnsureConfigured(); // libtorch would warn on every convolution where NNPACK is unsupported
        entry_flow = new XceptionEntryFlow();
        middle_flow = new XceptionMiddleFlow(128);
        exit_flow = new XceptionExitFlow();
        fc = new AgeGenderHeads(FeatureCount);
        RegisterComponents();
        this.DetachParametersFromDisposeScope();
        eval();
    }

    /// <summary>
    /// Loads face-api's weights as <see cref="TfJs.TfJsWeights"/> reads them (face-api names, TensorFlow layouts), strictly:
    /// every weight must be present with its shape, and no other.
    /// </summary>
    /// <exception cref="StateDictMismatchException">A weight is missing, unexpected or of another shape.</exception>
    public void LoadTfJsWeights(IReadOnlyDictionary<string, Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using var scope = NewDisposeScope();
        this.LoadStateDict(TfJsLayout.ToStateDict(weights));
    }

    /// <summary>Element type of the layers between the first convolution and the pooling: float32 unless changed by <see cref="ConvertTrunk"/>.</summary>
    public ScalarType ComputeType => computeType;

    /// <summary>
    /// Converts the layers between the first convolution and the pooling to <paramref name="computeType"/>, in place. The
    /// first convolution, the pooling and the heads keep float32. Call it after <see cref="LoadTfJsWeights"/>.
    /// </summary>
    /// <param name="computeType">A floating-point element type.</param>
    /// <exception cref="ArgumentException"><paramref name="computeType"/> is not a floating-point type.</exception>
    public void ConvertTrunk(ScalarType computeType)
    {
        ReducedPrecision.Require(computeType, nameof(computeType));
        entry_flow.ConvertAfterInput(computeType);
        middle_flow.to(computeType);
        exit_flow.to(computeType);
        this.computeType = computeType;
        this.DetachParametersFromDisposeScope(); // the converted parameters are new tensors
    }

    /// <summary>Ages and gender logits of normalized faces.</summary>
    /// <param name="input">N×3×112×112 float32 RGB, <c>(x − [122.782, 117.001, 104.298]) / 255</c> per channel.</param>
    /// <returns>N ages in years and N×2 gender logits, columns [male, female].</returns>
    public override (Tensor Age, Tensor GenderLogits) forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = entry_flow.call(input);                       // N×128×14×14
        x = middle_flow.call(x);                                 // N×128×14×14
        x = exit_flow.call(x);                                   // N×512×7×7
        // face-api's 7×7 stride-2 "valid" average pool of a 7×7 map is the mean.
        Tensor features = x.to(ScalarType.Float32).mean([2, 3]); // N×512
        (Tensor age, Tensor gender) = fc.Apply(features);        // N, N×2
        return (age.MoveToOuterDisposeScope(), gender.MoveToOuterDisposeScope());
    }
}
