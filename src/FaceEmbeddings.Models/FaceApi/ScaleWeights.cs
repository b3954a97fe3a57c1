using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>face-api's <c>…/scale</c> weights: a per-channel affine map <c>x · weights + biases</c> (dlib's affine layer).</summary>
internal sealed class ScaleWeights : nn.Module
{
    // Field names are face-api's weight names.
    private readonly Parameter weights;
    private readonly Parameter biases;

    public ScaleWeights(long channels) : base("scale")
    {
        weights = new Parameter(empty(channels), requires_grad: false);
        biases = new Parameter(empty(channels), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>Applies the map to N×C×H×W activations.</summary>
    public Tensor Apply(Tensor x)
    {
        using Scalar one = 1;
        return x.mul(weights.view(1, -1, 1, 1)).add_(biases.view(1, -1, 1, 1), one);
    }
}
