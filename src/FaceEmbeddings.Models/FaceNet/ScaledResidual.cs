using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>
/// The residual tail shared by <see cref="Block35"/>, <see cref="Block17"/> and <see cref="Block8"/>:
/// the concatenated branches are projected back to the input width, scaled down (which keeps the deep
/// residual stack stable) and added to the input.
/// </summary>
internal static class ScaledResidual
{
    /// <summary><c>relu(conv2d(mixed) · scale + x)</c>, without the ReLU when <paramref name="relu"/> is null.</summary>
    public static Tensor Combine(Tensor x, Tensor mixed, Conv2d conv2d, double scale, ReLU? relu)
    {
        using Scalar factor = scale, one = 1;
        Tensor y = conv2d.call(mixed).mul(factor).add(x, one);
        return relu is null ? y : relu.call(y);
    }

    /// <summary>The inference form: the scale moves into the projection's weights.</summary>
    public static FusedResidual Fuse(Conv2d conv2d, double scale, ReLU? relu, params Module<Tensor, Tensor>[] fusedBranches) =>
        new(new FusedConcat(fusedBranches), FusedConv2d.Scaled(conv2d, scale), applyRelu: relu is not null);
}
