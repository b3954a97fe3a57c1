using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>
/// The inference form of <see cref="Block35"/>, <see cref="Block17"/> and <see cref="Block8"/>:
/// <c>relu(x + projection(branches(x)))</c> with the residual scale already inside the projection.
/// </summary>
internal sealed class FusedResidual : Module<Tensor, Tensor>
{
    private readonly FusedConcat branches;
    private readonly FusedConv2d projection;
    private readonly bool applyRelu;

    public FusedResidual(FusedConcat branches, FusedConv2d projection, bool applyRelu)
        : base(nameof(FusedResidual))
    {
        this.branches = branches;
        this.projection = projection;
        this.applyRelu = applyRelu;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        using Scalar one = 1;
        Tensor y = projection.call(branches.call(x)).add_(x, one);
        if (applyRelu) y.relu_();
        return y.MoveToOuterDisposeScope();
    }
}
