using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>Reduction-A: halves the grid from 17×17 to 8×8 while widening 256 → 896 channels.</summary>
internal sealed class Mixed_6a : Module<Tensor, Tensor>, IFusable
{
    private readonly BasicConv2d branch0;
    private readonly Sequential branch1;
    private readonly MaxPool2d branch2;

    public Mixed_6a()
        : base(nameof(Mixed_6a))
    {
        branch0 = new BasicConv2d(256, 384, kernelSize: 3, stride: 2);
        branch1 = Sequential(
            new BasicConv2d(256, 192, kernelSize: 1, stride: 1),
            new BasicConv2d(192, 192, kernelSize: 3, stride: 1, padding: 1),
            new BasicConv2d(192, 256, kernelSize: 3, stride: 2));
        branch2 = MaxPool2d(kernel_size: 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // x: N×256×17×17
        Tensor x0 = branch0.call(x);            // N×384×8×8
        Tensor x1 = branch1.call(x);            // N×256×8×8
        Tensor x2 = branch2.call(x);            // N×256×8×8
        return cat([x0, x1, x2], 1).MoveToOuterDisposeScope(); // N×896×8×8
    }

    public Module<Tensor, Tensor> Fuse() =>
        new FusedConcat(branch0.Fuse(), IFusable.FuseEach(branch1), MaxPool2d(kernel_size: 3, stride: 2));
}
