using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>
/// face-api's <c>denseBlock4</c>: a stride-2 convolution with ReLU, then three separable convolutions, each fed the ReLU
/// of the sum of all earlier outputs. The sums are added in face-api's order, <c>out1 + (out2 + (out3 + out4))</c>:
/// float32 addition is not associative, and the network amplifies the difference.
/// </summary>
internal sealed class DenseBlock : nn.Module<Tensor, Tensor>
{
    // Field names are face-api's weight names (<block>/conv0..3). conv0 is a plain convolution (ConvWeights) in the first
    // block, which reads the normalized image, and a separable one in the others.
    private readonly nn.Module conv0;
    private readonly SeparableConv conv1;
    private readonly SeparableConv conv2;
    private readonly SeparableConv conv3;
    private ScalarType? computeType;

    /// <param name="name">The block's name.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="isFirst">Whether conv0 is a plain 3×3 convolution (the first block) rather than a separable one.</param>
    public DenseBlock(string name, long inChannels, long outChannels, bool isFirst) : base(name)
    {
        conv0 = isFirst ? new ConvWeights(inChannels, outChannels, 3) : new SeparableConv(nameof(conv0), inChannels, outChannels);
        conv1 = new SeparableConv(nameof(conv1), outChannels, outChannels);
        conv2 = new SeparableConv(nameof(conv2), outChannels, outChannels);
        conv3 = new SeparableConv(nameof(conv3), outChannels, outChannels);
        RegisterComponents();
    }

    /// <summary>Converts conv1..3 (not conv0) to <paramref name="type"/>; the block's output is then of that type.</summary>
    public void ConvertAfterInput(ScalarType type)
    {
        Runtime.ReducedPrecision.ConvertAllButFirst(children(), type);
        computeType = type;
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor first = conv0 switch
        {
            ConvWeights plain => plain.ApplySame(x, 2),
            SeparableConv separable => separable.Apply(x, 2),
            _ => throw new InvalidOperationException($"Unexpected conv0 module {conv0.GetType().Name}."),
        };
        Tensor out1 = first.relu_();                                       // N×O×H/2×W/2
        if (computeType is { } type) out1 = out1.to(type);
        using Scalar one = 1;
        Tensor out2 = conv1.Apply(out1);
        Tensor out3 = conv2.Apply(out1.add(out2, one).relu_());
        Tensor out4 = conv3.Apply(out1.add(out2.add(out3, one), one).relu_());
        return out1.add(out2.add(out3.add(out4, one), one), one).relu_().MoveToOuterDisposeScope();
    }
}
