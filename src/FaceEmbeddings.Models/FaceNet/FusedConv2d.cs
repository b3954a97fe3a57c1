using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>
/// Convolution with bias and an optional ReLU: what a <see cref="BasicConv2d"/> becomes once its batch norm is
/// folded in, and what a residual block's up-projection becomes once its scale is folded in.
/// </summary>
internal sealed class FusedConv2d : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long[] stride;
    private readonly long[] padding;
    private readonly bool applyRelu;
    private readonly bool isPointwise;

    /// <summary>
    /// Takes ownership of <paramref name="weight"/> and <paramref name="bias"/>, removing them from any dispose scope,
    /// and keeps the weight channels-last.
    /// </summary>
    public FusedConv2d(Tensor weight, Tensor bias, (long, long) stride, (long, long) padding, bool applyRelu)
        : base(nameof(FusedConv2d))
    {
        Tensor channelsLast = ChannelsLast.Of(weight).DetachFromDisposeScope();
        if (!ReferenceEquals(channelsLast, weight)) weight.Dispose();
        this.weight = new Parameter(channelsLast, requires_grad: false);
        this.bias = new Parameter(bias.DetachFromDisposeScope(), requires_grad: false);
        this.stride = [stride.Item1, stride.Item2];
        this.padding = [padding.Item1, padding.Item2];
        this.applyRelu = applyRelu;
        isPointwise = this.weight.shape[2] == 1 && this.weight.shape[3] == 1 && stride == (1, 1) && padding == (0, 0);
        RegisterComponents();
    }

    /// <summary>
    /// <paramref name="conv"/> multiplied by <paramref name="scale"/> (a residual block's <c>conv2d(x) · scale</c>),
    /// folded into the weights so that the product costs nothing at run time.
    /// </summary>
    public static FusedConv2d Scaled(Conv2d conv, double scale)
    {
        using var noGrad = no_grad();
        using Scalar factor = scale;
        return new FusedConv2d(conv.weight.mul(factor), conv.bias!.mul(factor), (conv.stride[0], conv.stride[1]), (conv.padding![0], conv.padding[1]), applyRelu: false);
    }

    /// <summary>
    /// Convolves in the weights' element type, converting <paramref name="x"/> to it where a reduced-precision stage
    /// begins. A 1×1 convolution of channels-last activations runs as a matrix product (oneDNN's channels-last 1×1
    /// kernel is wrong for some shapes); of NCHW activations (see <see cref="SmallGridLayout"/>), as oneDNN's NCHW
    /// convolution, which is right for every shape: a 1×1 weight is laid out the same way in both layouts.
    /// </summary>
    public override Tensor forward(Tensor x)
    {
        x = x.to(weight.dtype);
        Tensor y = isPointwise && !x.is_contiguous()
            ? ChannelsLast.Pointwise(x, weight, bias)
            : functional.conv2d(x, weight, bias, stride, padding);
        return applyRelu ? y.relu_() : y;
    }
}
