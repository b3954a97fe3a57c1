using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>
/// TinyXception's reduction block: two separable convolutions, a 3×3 stride-2 max pool, plus a strided 1×1 convolution
/// of the block's input (<c>expansion_conv</c>). Halves the resolution.
/// </summary>
internal sealed class XceptionReductionBlock : nn.Module<Tensor, Tensor>
{
    // Field names are face-api's weight names (<block>/separable_conv0, …/separable_conv1, …/expansion_conv).
    private readonly SeparableConv separable_conv0;
    private readonly SeparableConv separable_conv1;
    private readonly ConvWeights expansion_conv;
    private readonly bool reluInput;

    /// <param name="name">The block's name.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="reluInput">Whether the separable branch starts with a ReLU (face-api's <c>isActivateInput</c>; false
    /// for the first block, whose input is already ReLU'd).</param>
    public XceptionReductionBlock(string name, long inChannels, long outChannels, bool reluInput) : base(name)
    {
        separable_conv0 = new SeparableConv(nameof(separable_conv0), inChannels, outChannels);
        separable_conv1 = new SeparableConv(nameof(separable_conv1), outChannels, outChannels);
        expansion_conv = new ConvWeights(inChannels, outChannels, 1);
        this.reluInput = reluInput;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor branch = reluInput ? x.relu() : x;                                  // N×I×H×W
        branch = separable_conv1.Apply(separable_conv0.Apply(branch).relu_());     // N×O×H×W
        // TF's max pool skips padded positions: padding with −∞ is the same.
        branch = nn.functional.max_pool2d(TfSamePadding.Pad(branch, 3, 2, double.NegativeInfinity), 3, 2); // N×O×H/2×W/2
        Tensor shortcut = expansion_conv.ApplySame(x, 2);                           // N×O×H/2×W/2, the input not ReLU'd
        using Scalar one = 1;
        return branch.add_(shortcut, one).MoveToOuterDisposeScope();
    }
}
