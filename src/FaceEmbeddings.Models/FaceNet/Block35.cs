using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>Inception-ResNet-A: the 17×17×256 residual block of <see cref="InceptionResnetV1"/> (repeated 5 times, scale 0.17).</summary>
internal sealed class Block35 : Module<Tensor, Tensor>, IFusable
{
    private readonly double scale;

    private readonly BasicConv2d branch0;
    private readonly Sequential branch1;
    private readonly Sequential branch2;
    private readonly Conv2d conv2d;
    private readonly ReLU relu;

    public Block35(double scale = 1.0)
        : base(nameof(Block35))
    {
        this.scale = scale;
        branch0 = new BasicConv2d(256, 32, kernelSize: 1, stride: 1);
        branch1 = Sequential(
            new BasicConv2d(256, 32, kernelSize: 1, stride: 1),
            new BasicConv2d(32, 32, kernelSize: 3, stride: 1, padding: 1));
        branch2 = Sequential(
            new BasicConv2d(256, 32, kernelSize: 1, stride: 1),
            new BasicConv2d(32, 32, kernelSize: 3, stride: 1, padding: 1),
            new BasicConv2d(32, 32, kernelSize: 3, stride: 1, padding: 1));
        conv2d = Conv2d(96, 256, kernel_size: 1, stride: 1);
        relu = ReLU();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // x: N×256×17×17
        Tensor x0 = branch0.call(x);            // N×32×17×17
        Tensor x1 = branch1.call(x);            // N×32×17×17
        Tensor x2 = branch2.call(x);            // N×32×17×17
        Tensor mixed = cat([x0, x1, x2], 1);    // N×96×17×17
        return ScaledResidual.Combine(x, mixed, conv2d, scale, relu).MoveToOuterDisposeScope(); // N×256×17×17
    }

    public Module<Tensor, Tensor> Fuse() =>
        ScaledResidual.Fuse(conv2d, scale, relu, branch0.Fuse(), IFusable.FuseEach(branch1), IFusable.FuseEach(branch2));
}
