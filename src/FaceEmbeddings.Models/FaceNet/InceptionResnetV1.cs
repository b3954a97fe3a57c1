using FaceEmbeddings.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>
/// The FaceNet face encoder of facenet-pytorch (Inception-ResNet v1): maps a batch of standardized face crops
/// (N×3×S×S, typically S = 160, values <c>(x − 127.5) / 128</c>) to L2-normalized 512-dimensional embeddings,
/// or to class logits in classify mode. Module and parameter names equal facenet-pytorch's state-dict keys,
/// so its checkpoints (VGGFace2, CASIA-WebFace) load unchanged.
/// </summary>
/// <remarks>
/// The module starts in evaluation mode: batch norms use their running statistics and dropout is off, as for
/// inference in facenet-pytorch. For fast inference build a <see cref="FusedInceptionResnetV1"/> with <see cref="Fuse"/>.
/// </remarks>
public sealed class InceptionResnetV1 : Module<Tensor, Tensor>
{
    /// <summary>Length of an embedding.</summary>
    public const int EmbeddingSize = 512;

    /// <summary>Identities in the VGGFace2 training set (rows of the pretrained <c>logits</c> layer).</summary>
    public const int VggFace2ClassCount = 8631;

    /// <summary>Identities in the CASIA-WebFace training set (rows of the pretrained <c>logits</c> layer).</summary>
    public const int CasiaWebFaceClassCount = 10575;

    /// <summary>Crop side the pretrained weights were trained on.</summary>
    public const int DefaultInputSize = 160;

    /// <summary>The smallest crop side for which every stride-2 stage still has a 3×3 window to work on.</summary>
    public const int MinimumInputSize = 75;

    private readonly BasicConv2d conv2d_1a;
    private readonly BasicConv2d conv2d_2a;
    private readonly BasicConv2d conv2d_2b;
    private readonly MaxPool2d maxpool_3a;
    private readonly BasicConv2d conv2d_3b;
    private readonly BasicConv2d conv2d_4a;
    private readonly BasicConv2d conv2d_4b;
    private readonly Sequential repeat_1;
    private readonly Mixed_6a mixed_6a;
    private readonly Sequential repeat_2;
    private readonly Mixed_7a mixed_7a;
    private readonly Sequential repeat_3;
    private readonly Block8 block8;
    private readonly AdaptiveAvgPool2d avgpool_1a;
    private readonly Dropout dropout;
    private readonly Linear last_linear;
    private readonly BatchNorm1d last_bn;
    private readonly Linear? logits;

    /// <summary>Builds the network with freshly initialized weights; load a state dict to make it useful.</summary>
    /// <param name="numClasses">
    /// Rows of the <c>logits</c> layer, or null for none. Give <see cref="VggFace2ClassCount"/> or
    /// <see cref="CasiaWebFaceClassCount"/> to load a pretrained facenet-pytorch file, which contains that layer.
    /// </param>
    /// <param name="classify">When true, <see cref="Module{T, TResult}.forward"/> returns logits instead of embeddings; needs <paramref name="numClasses"/>.</param>
    /// <param name="dropoutProbability">Dropout before the last linear layer; only active in training mode.</param>
    public InceptionResnetV1(int? numClasses = null, bool classify = false, double dropoutProbability = 0.6)
        : base(nameof(InceptionResnetV1))
    {
        Nnpack.EnsureConfigured(); // libtorch would warn on every convolution where NNPACK is unsupported
        if (numClasses is <= 0)
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "The number of classes must be positive.");
        if (classify && numClasses is null)
            throw new ArgumentException("Classify mode needs a logits layer: give numClasses (8631 for VGGFace2, 10575 for CASIA-WebFace).", nameof(numClasses));
        if (dropoutProbability is < 0 or > 1 || double.IsNaN(dropoutProbability))
            throw new ArgumentOutOfRangeException(nameof(dropoutProbability), dropoutProbability, "A dropout probability lies in [0, 1].");

        ReturnsLogits = classify;
        conv2d_1a = new BasicConv2d(3, 32, kernelSize: 3, stride: 2);
        conv2d_2a = new BasicConv2d(32, 32, kernelSize: 3, stride: 1);
        conv2d_2b = new BasicConv2d(32, 64, kernelSize: 3, stride: 1, padding: 1);
        maxpool_3a = MaxPool2d(kernel_size: 3, stride: 2);
        conv2d_3b = new BasicConv2d(64, 80, kernelSize: 1, stride: 1);
        conv2d_4a = new BasicConv2d(80, 192, kernelSize: 3, stride: 1);
        conv2d_4b = new BasicConv2d(192, 256, kernelSize: 3, stride: 2);
        repeat_1 = Sequential(Enumerable.Range(0, 5).Select(_ => new Block35(scale: 0.17)).ToArray<Module<Tensor, Tensor>>());
        mixed_6a = new Mixed_6a();
        repeat_2 = Sequential(Enumerable.Range(0, 10).Select(_ => new Block17(scale: 0.10)).ToArray<Module<Tensor, Tensor>>());
        mixed_7a = new Mixed_7a();
        repeat_3 = Sequential(Enumerable.Range(0, 5).Select(_ => new Block8(scale: 0.20)).ToArray<Module<Tensor, Tensor>>());
        block8 = new Block8(noReLU: true);
        avgpool_1a = AdaptiveAvgPool2d(1);
        dropout = Dropout(dropoutProbability);
        last_linear = Linear(1792, EmbeddingSize, hasBias: false);
        last_bn = BatchNorm1d(EmbeddingSize, eps: BasicConv2d.BatchNormEpsilon, momentum: 0.1, affine: true);
        logits = numClasses is int classes ? Linear(EmbeddingSize, classes) : null;
        RegisterComponents();
        eval();
    }

    /// <summary>True when <see cref="Module{T, TResult}.forward"/> returns logits (facenet-pytorch's <c>classify=True</c>).</summary>
    public bool ReturnsLogits { get; }

    /// <summary>Rows of the <c>logits</c> layer, or null when the network has none.</summary>
    public int? ClassCount => logits is null ? null : (int)logits.weight.shape[0];

    /// <summary>Embeddings (N×512, unit length) or, in classify mode, logits (N×classes) of an N×3×S×S batch.</summary>
    public override Tensor forward(Tensor x) => ReturnsLogits ? Classify(x) : Embed(x);

    /// <summary>L2-normalized embeddings (N×512) of an N×3×S×S batch of standardized crops.</summary>
    public Tensor Embed(Tensor faces)
    {
        using var scope = NewDisposeScope();
        return functional.normalize(Features(faces), p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>Class logits (N×classes) of an N×3×S×S batch of standardized crops.</summary>
    /// <exception cref="InvalidOperationException">The network has no <c>logits</c> layer.</exception>
    public Tensor Classify(Tensor faces)
    {
        Linear classifier = logits ?? throw new InvalidOperationException(
            "This InceptionResnetV1 has no logits layer: construct it with numClasses (and load a checkpoint that contains logits.weight).");
        using var scope = NewDisposeScope();
        return classifier.call(Features(faces)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Builds the inference-only form of this network: every batch norm folded into the convolution or linear
    /// layer before it, residual scales folded into the projections. It computes the same function as this
    /// network in evaluation mode (to float rounding) with fewer operations, and owns copies of the weights.
    /// </summary>
    /// <param name="computeType">
    /// Element type of the convolutional trunk: <see cref="ScalarType.Float32"/>, or <see cref="ScalarType.BFloat16"/>
    /// (faster on CPUs with native bfloat16; the first convolution and the final linear layers stay in the current type).
    /// </param>
    public FusedInceptionResnetV1 Fuse(ScalarType computeType = ScalarType.Float32)
    {
        ReducedPrecision.Require(computeType, nameof(computeType));
        var trunk = Sequential(
            conv2d_1a.Fuse(), conv2d_2a.Fuse(), conv2d_2b.Fuse(), MaxPool2d(kernel_size: 3, stride: 2),
            conv2d_3b.Fuse(), conv2d_4a.Fuse(), conv2d_4b.Fuse(),
            IFusable.FuseEach(repeat_1), mixed_6a.Fuse(), new SmallGridLayout(), IFusable.FuseEach(repeat_2), mixed_7a.Fuse(),
            IFusable.FuseEach(repeat_3), block8.Fuse(), AdaptiveAvgPool2d(1));
        ReducedPrecision.ConvertAllButFirst(trunk.children(), computeType);
        return new FusedInceptionResnetV1(trunk, FoldLastBatchNorm(), CopyLogits());
    }

    private Tensor Features(Tensor x)
    {
        // x: N×3×160×160 (spatial sizes below are for S = 160)
        x = conv2d_1a.call(x);      // N×32×79×79
        x = conv2d_2a.call(x);      // N×32×77×77
        x = conv2d_2b.call(x);      // N×64×77×77
        x = maxpool_3a.call(x);     // N×64×38×38
        x = conv2d_3b.call(x);      // N×80×38×38
        x = conv2d_4a.call(x);      // N×192×36×36
        x = conv2d_4b.call(x);      // N×256×17×17
        x = repeat_1.call(x);       // N×256×17×17
        x = mixed_6a.call(x);       // N×896×8×8
        x = repeat_2.call(x);       // N×896×8×8
        x = mixed_7a.call(x);       // N×1792×3×3
        x = repeat_3.call(x);       // N×1792×3×3
        x = block8.call(x);         // N×1792×3×3
        x = avgpool_1a.call(x);     // N×1792×1×1
        x = dropout.call(x);        // N×1792×1×1
        x = last_linear.call(x.view(x.shape[0], -1)); // N×512
        return last_bn.call(x);     // N×512
    }

    private Linear FoldLastBatchNorm()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using Scalar epsilon = last_bn.eps, one = 1;
        Tensor gain = last_bn.weight.to(float64) / last_bn.running_var!.to(float64).add(epsilon, one).sqrt();
        Tensor weight = last_linear.weight.to(float64) * gain.unsqueeze(1);
        Tensor bias = last_bn.bias!.to(float64) - last_bn.running_mean!.to(float64) * gain;
        Linear folded = Linear(1792, EmbeddingSize, hasBias: true, device: last_linear.weight.device, dtype: last_linear.weight.dtype);
        folded.weight.copy_(weight);
        folded.bias!.copy_(bias);
        return folded;
    }

    private Linear? CopyLogits()
    {
        if (logits is null) return null;
        using var noGrad = no_grad();
        Linear copy = Linear(EmbeddingSize, logits.weight.shape[0], hasBias: true, device: logits.weight.device, dtype: logits.weight.dtype);
        copy.weight.copy_(logits.weight);
        copy.bias!.copy_(logits.bias!);
        return copy;
    }
}
