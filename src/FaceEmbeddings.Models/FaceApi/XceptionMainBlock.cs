using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>TinyXception's main (middle-flow) block: three ReLU + separable convolution steps added to the input.</summary>
internal sealed class XceptionMainBlock : nn.Module<Tensor, Tensor>
{
    // Field names are face-api's weight names (<block>/separable_conv0..2).
    private readonly SeparableConv separable_conv0;
    private readonly SeparableConv separable_conv1;
    private readonly SeparableConv separable_conv2;

    public XceptionMainBlock(string name, long channels) : base(name)
    {
        separable_conv0 = new SeparableConv(nameof(separable_conv0), channels, channels);
        separable_conv1 = new SeparableConv(nameof(separable_conv1), channels, channels);
        separable_conv2 = new SeparableConv(nameof(separable_conv2), channels, channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = separable_conv0.Apply(x.relu());        // N×C×H×W
        y = separable_conv1.Apply(y.relu_());
        y = separable_conv2.Apply(y.relu_());
        using Scalar one = 1;
        return y.add_(x, one).MoveToOuterDisposeScope();
    }
}
