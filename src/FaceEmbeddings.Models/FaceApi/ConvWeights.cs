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
}
