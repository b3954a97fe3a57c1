using FaceEmbeddings.Models.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>
/// Inference-only <see cref="InceptionResnetV1"/>, built by <see cref="InceptionResnetV1.Fuse"/>: the same function
/// with batch norms folded into the preceding layers. It has no training mode and no facenet-pytorch state dict;
/// load weights into an <see cref="InceptionResnetV1"/> and fuse that.
/// </summary>
/// <remarks>
/// A forward pass reads the weights and writes nothing else, so one instance may serve several threads at once
/// (each thread's temporaries live in its own dispose scope).
/// </remarks>
public sealed class FusedInceptionResnetV1 : Module<Tensor, Tensor>
{
    private readonly Sequential trunk;
    private readonly Linear last_linear;
    private readonly Linear? logits;

    internal FusedInceptionResnetV1(Sequential trunk, Linear lastLinear, Linear? logits)
        : base(nameof(FusedInceptionResnetV1))
    {
        Nnpack.EnsureConfigured(); // libtorch would warn on every convolution where NNPACK is unsupported
        this.trunk = trunk;
        last_linear = lastLinear;
        this.logits = logits;
        RegisterComponents();
        eval();
    }

    /// <summary>Rows of the <c>logits</c> layer, or null when the network has none.</summary>
    public int? ClassCount => logits is null ? null : (int)logits.weight.shape[0];

    /// <summary>Element type of the convolutional trunk (after its first convolution, which keeps the type of the final layers).</summary>
    public ScalarType ComputeType => trunk.parameters().Last().dtype;

    /// <summary>The device holding the weights.</summary>
    public Device Device => last_linear.weight.device;

    /// <summary>L2-normalized embeddings (N×512) of an N×3×S×S batch of standardized crops.</summary>
    public override Tensor forward(Tensor x) => Embed(x);

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
            "This network has no logits layer: it was fused from an InceptionResnetV1 built without numClasses.");
        using var scope = NewDisposeScope();
        return classifier.call(Features(faces)).MoveToOuterDisposeScope();
    }

    private Tensor Features(Tensor faces)
    {
        // faces: N×3×160×160 (spatial sizes for S = 160)
        Tensor pooled = trunk.call(ChannelsLast.Of(faces));                 // N×1792×1×1
        Tensor flat = pooled.flatten(1).to(last_linear.weight.dtype);       // N×1792
        return last_linear.call(flat);                                      // N×512 (last_bn folded in)
    }
}
