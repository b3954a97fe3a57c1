using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>Reduction-B: shrinks the grid from 8×8 to 3×3 while widening 896 → 1792 channels.</summary>
internal sealed class Mixed_7a : Module<Tensor, Tensor>, IFusable
{
    private readonly Sequential branch0;
    private readonly Sequential branch1;
    private readonly Sequential branch2;
    private readonly MaxPool2d branch3;

    public Mixed_7a()
        : base(nameof(Mixed_7a))
    {
        branch0 = Sequential(
            new BasicConv2d(896, 256, kernelSize: 1, stride: 1),
            new BasicConv2d(256, 384, kernelSize: 3, stride: 2));
        branch1 = Sequential(
            new BasicConv2d(896, 256, kernelSize: 1, stride: 1),
            new BasicConv2d(256, 256, kernelSize: 3, stride: 2));
        branch2 = Sequential(
            new BasicConv2d(896, 256, kernelSize: 1, stride: 1),
            new BasicConv2d(256, 256, kernelSize: 3, stride: 1, padding: 1),
            new BasicConv2d(256, 256, kernelSize: 3, stride: 2));
        branch3 = MaxPool2d(kernel_size: 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // x: N×896×8×8
        Tensor x0 = branch0.call(x);            // N×384×3×3
        Tensor x1 = branch1.call(x);            // N×256×3×3
        Tensor x2 = branch2.call(x);            // N×256×3×3
        Tensor x3 = branch3.call(x);            // N×896×3×3
        return cat([x0, x1, x2, x3], 1).MoveToOuterDisposeScope(); // N×1792×3×3
    }

    public Module<Tensor, Tensor> Fuse() =>
        new FusedConcat(IFusable.FuseEach(branch0), IFusable.FuseEach(branch1), IFusable.FuseEach(branch2), MaxPool2d(kernel_size: 3, stride: 2));
}
