using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>Inception branches run on one input and concatenated along channels (the inference form of a mixed block).</summary>
internal sealed class FusedConcat : Module<Tensor, Tensor>
{
    private readonly ModuleList<Module<Tensor, Tensor>> branches;

    public FusedConcat(params Module<Tensor, Tensor>[] branches)
        : base(nameof(FusedConcat))
    {
        this.branches = ModuleList(branches);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor[] outputs = branches.Select(branch => branch.call(x)).ToArray();
        return cat(outputs, 1).MoveToOuterDisposeScope();
    }
}
