using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>face-api's fully connected layer: <c>x · weights + bias</c>, with the weights as face-api stores them (in × out).</summary>
internal sealed class FullyConnected : nn.Module
{
    // Field names are face-api's weight names (<layer>/weights, <layer>/bias).
    private readonly Parameter weights;
    private readonly Parameter bias;

    public FullyConnected(string name, long inFeatures, long outFeatures) : base(name)
    {
        weights = new Parameter(empty(inFeatures, outFeatures), requires_grad: false);
        bias = new Parameter(empty(outFeatures), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>N×in → N×out.</summary>
    public Tensor Apply(Tensor x)
    {
        using Scalar one = 1;
        return x.matmul(weights).add_(bias, one);
    }
}
