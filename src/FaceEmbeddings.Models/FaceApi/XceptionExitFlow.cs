using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>TinyXception's exit flow: a reduction block, then a separable convolution with ReLU (14 → 7 pixels, 128 → 512 channels).</summary>
internal sealed class XceptionExitFlow : nn.Module<Tensor, Tensor>
{
    // Field names are face-api's weight names (exit_flow/reduction_block, …/separable_conv).
    private readonly XceptionReductionBlock reduction_block;
    private readonly SeparableConv separable_conv;

    public XceptionExitFlow() : base("exit_flow")
    {
        reduction_block = new XceptionReductionBlock(nameof(reduction_block), 128, 256, reluInput: true);
        separable_conv = new SeparableConv(nameof(separable_conv), 256, 512);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = reduction_block.call(x);                                 // N×256×7×7
        return separable_conv.Apply(y).relu_().MoveToOuterDisposeScope();   // N×512×7×7
    }
}
