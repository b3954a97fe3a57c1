using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>
/// Inception-ResNet-C: the 3×3×1792 residual block of <see cref="InceptionResnetV1"/> (repeated 5 times, scale 0.20,
/// then once more unscaled and without the final ReLU so that the embedding can take negative values).
/// </summary>
internal sealed class Block8 : Module<Tensor, Tensor>, IFusable
{
    private readonly double scale;

    private readonly BasicConv2d branch0;
    private readonly Sequential branch1;
    private readonly Conv2d conv2d;
    private readonly ReLU? relu;

    public Block8(double scale = 1.0, bool noReLU = false)
        : base(nameof(Block8))
    {
        this.scale = scale;
        branch0 = new BasicConv2d(1792, 192, kernelSize: 1, stride: 1);
        branch1 = Sequential(
            new BasicConv2d(1792, 192, kernelSize: 1, stride: 1),
            new BasicConv2d(192, 192, kernelSize: (1, 3), stride: 1, padding: (0, 1)),
            new BasicConv2d(192, 192, kernelSize: (3, 1), stride: 1, padding: (1, 0)));
        conv2d = Conv2d(384, 1792, kernel_size: 1, stride: 1);
        relu = noReLU ? null : ReLU();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // x: N×1792×3×3
        Tensor x0 = branch0.call(x);            // N×192×3×3
        Tensor x1 = branch1.call(x);            // N×192×3×3
        Tensor mixed = cat([x0, x1], 1);        // N×384×3×3
        return ScaledResidual.Combine(x, mixed, conv2d, scale, relu).MoveToOuterDisposeScope(); // N×1792×3×3
    }

    public Module<Tensor, Tensor> Fuse() =>
        ScaledResidual.Fuse(conv2d, scale, relu, branch0.Fuse(), IFusable.FuseEach(branch1));
}
