using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>
/// face-api's separable convolution (<c>tf.separableConv2d</c> with <c>'same'</c> padding, plus a bias): a 3×3
/// depthwise convolution with the stride, then a 1×1 pointwise convolution.
/// </summary>
internal sealed class SeparableConv : nn.Module
{
    // Field names are face-api's weight names (<layer>/depthwise_filter, …/pointwise_filter, …/bias).
    private readonly Parameter depthwise_filter;
    private readonly Parameter pointwise_filter;
    private readonly Parameter bias;

    public SeparableConv(string name, long inChannels, long outChannels) : base(name)
    {
        depthwise_filter = new Parameter(empty(inChannels, 1, 3, 3), requires_grad: false);
        pointwise_filter = new Parameter(empty(outChannels, inChannels, 1, 1), requires_grad: false);
        bias = new Parameter(empty(outChannels), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>N×I×H×W → N×O×⌈H/stride⌉×⌈W/stride⌉.</summary>
    public Tensor Apply(Tensor x, long stride = 1)
    {
        using var scope = NewDisposeScope();
        Tensor depthwise = nn.functional.conv2d(TfSamePadding.Pad(x, 3, stride), depthwise_filter,
            strides: [stride, stride], groups: x.shape[1]);                              // N×I×H'×W'
        return nn.functional.conv2d(depthwise, pointwise_filter, bias).MoveToOuterDisposeScope(); // N×O×H'×W'
    }
}
