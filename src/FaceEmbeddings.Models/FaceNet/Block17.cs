using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>Inception-ResNet-B: the 8×8×896 residual block of <see cref="InceptionResnetV1"/> (repeated 10 times, scale 0.10), with factorized 1×7/7×1 convolutions.</summary>
internal sealed class Block17 : Module<Tensor, Tensor>, IFusable
{
    private readonly double scale;

    private readonly BasicConv2d branch0;
    private readonly Sequential branch1;
    private readonly Conv2d conv2d;
    private readonly ReLU relu;

    public Block17(double scale = 1.0)
        : base(nameof(Block17))
    {
        this.scale = scale;
        branch0 = new BasicConv2d(896, 128, kernelSize: 1, stride: 1);
        branch1 = Sequential(
            new BasicConv2d(896, 128, kernelSize: 1, stride: 1),
            new BasicConv2d(128, 128, kernelSize: (1, 7), stride: 1, padding: (0, 3)),
            new BasicConv2d(128, 128, kernelSize: (7, 1), stride: 1, padding: (3, 0)));
        conv2d = Conv2d(256, 896, kernel_size: 1, stride: 1);
        relu = ReLU();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // x: N×896×8×8
        Tensor x0 = branch0.call(x);            // N×128×8×8
        Tensor x1 = branch1.call(x);            // N×128×8×8
        Tensor mixed = cat([x0, x1], 1);        // N×256×8×8
        return ScaledResidual.Combine(x, mixed, conv2d, scale, relu).MoveToOuterDisposeScope(); // N×896×8×8
    }

    public Module<Tensor, Tensor> Fuse() =>
        ScaledResidual.Fuse(conv2d, scale, relu, branch0.Fuse(), IFusable.FuseEach(branch1));
}
