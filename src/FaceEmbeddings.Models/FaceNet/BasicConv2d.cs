using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>
/// Convolution without bias, batch norm (eps 0.001, the value of the TensorFlow original) and ReLU:
/// facenet-pytorch's <c>BasicConv2d</c>, the unit every Inception branch is built from.
/// </summary>
internal sealed class BasicConv2d : Module<Tensor, Tensor>, IFusable
{
    internal const double BatchNormEpsilon = 0.001;

    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;
    private readonly ReLU relu;

    public BasicConv2d(long inPlanes, long outPlanes, long kernelSize, long stride, long padding = 0)
        : this(inPlanes, outPlanes, (kernelSize, kernelSize), stride, (padding, padding))
    {
    }

    public BasicConv2d(long inPlanes, long outPlanes, (long, long) kernelSize, long stride, (long, long) padding)
        : base(nameof(BasicConv2d))
    {
        conv = Conv2d(inPlanes, outPlanes, kernelSize, stride: (stride, stride), padding: padding, bias: false);
        bn = BatchNorm2d(outPlanes, eps: BatchNormEpsilon, momentum: 0.1, affine: true);
        relu = ReLU();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = relu.call(bn.call(conv.call(x)));
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The same computation with the batch norm's running statistics folded into the convolution:
    /// <c>w' = w·γ/√(σ²+ε)</c>, <c>b' = β − μ·γ/√(σ²+ε)</c>, computed in float64 so the fold adds no error of its own.
    /// </summary>
    public Module<Tensor, Tensor> Fuse()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using Scalar epsilon = bn.eps, one = 1;
        Tensor gain = bn.weight.to(float64) / bn.running_var!.to(float64).add(epsilon, one).sqrt();
        Tensor weight = conv.weight.to(float64) * gain.view(-1, 1, 1, 1);
        Tensor bias = bn.bias!.to(float64) - bn.running_mean!.to(float64) * gain;
        return new FusedConv2d(
            weight.to(conv.weight.dtype), bias.to(conv.weight.dtype),
            (conv.stride[0], conv.stride[1]), (conv.padding![0], conv.padding[1]), applyRelu: true);
    }
}
