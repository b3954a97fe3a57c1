using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>face-api's <c>…/conv</c> weights: <c>filters</c> and <c>bias</c> of one convolution.</summary>
internal sealed class ConvWeights : nn.Module
{
    // Field names are face-api's weight names. The filters are PyTorch's O×I×kH×kW (face-api stores kH×kW×I×O),
    // laid out channels-last so that the CPU convolutions need no reordering.
    private readonly Parameter filters;
    private readonly Parameter bias;

    public ConvWeights(long inChannels, long outChannels, long kernelSize) : base("conv")
    {
        filters = new Parameter(ChannelsLast.Of(empty(outChannels, inChannels, kernelSize, kernelSize)), requires_grad: false);
        bias = new Parameter(empty(outChannels), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>O×I×k×k filters.</summary>
    public Tensor Filters => filters;

    /// <summary>O biases.</summary>
    public Tensor Bias => bias;

    /// <summary>
    /// The convolution with TensorFlow's <c>'same'</c> padding (<see cref="TfSamePadding"/>), as face-api's
    /// <c>tf.conv2d(x, filters, stride, 'same')</c> + bias: N×I×H×W → N×O×⌈H/stride⌉×⌈W/stride⌉.
    /// </summary>
    public Tensor ApplySame(Tensor x, long stride)
    {
        using var scope = NewDisposeScope();
        long kernelSize = filters.shape[2];
        if (kernelSize == 1)
        {
            // A 1×1 convolution samples every stride-th row and column ('same' pads nothing); as a matrix product it avoids
            // oneDNN's 1×1 channels-last kernel, which returns wrong values for batches of several faces here.
            Tensor sampled = x.slice(2, 0, x.shape[2], stride).slice(3, 0, x.shape[3], stride); // N×I×⌈H/s⌉×⌈W/s⌉
            return ChannelsLast.Pointwise(sampled, filters, bias).MoveToOuterDisposeScope();
        }
        Tensor padded = TfSamePadding.Pad(x, kernelSize, stride);
        // The channels-last filters give channels-last output; the padding, depthwise convolutions and max pools that follow
        // in the attribute networks return wrong values on channels-last batches of several faces, so continue in NCHW.
        return nn.functional.conv2d(padded, filters, bias, [stride, stride]).contiguous().MoveToOuterDisposeScope();
    }
}
