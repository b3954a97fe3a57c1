using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>TinyXception's entry flow: a 3×3 stride-2 convolution with ReLU, then two reduction blocks (112 → 14 pixels).</summary>
internal sealed class XceptionEntryFlow : nn.Module<Tensor, Tensor>
{
    // Field names are face-api's weight names (entry_flow/conv_in, …/reduction_block_0, …/reduction_block_1).
    private readonly ConvWeights conv_in;
    private readonly XceptionReductionBlock reduction_block_0;
    private readonly XceptionReductionBlock reduction_block_1;
    private ScalarType computeType = ScalarType.Float32;

    public XceptionEntryFlow() : base("entry_flow")
    {
        conv_in = new ConvWeights(3, 32, 3);
        reduction_block_0 = new XceptionReductionBlock(nameof(reduction_block_0), 32, 64, reluInput: false);
        reduction_block_1 = new XceptionReductionBlock(nameof(reduction_block_1), 64, 128, reluInput: true);
        RegisterComponents();
    }

    /// <summary>Converts the reduction blocks (not <c>conv_in</c>) to <paramref name="type"/>.</summary>
    public void ConvertAfterInput(ScalarType type)
    {
        Runtime.ReducedPrecision.ConvertAllButFirst(children(), type);
        computeType = type;
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = conv_in.ApplySame(x, 2).relu_().to(computeType); // N×32×56×56
        y = reduction_block_0.call(y);                                // N×64×28×28
        return reduction_block_1.call(y).MoveToOuterDisposeScope();   // N×128×14×14
    }
}
