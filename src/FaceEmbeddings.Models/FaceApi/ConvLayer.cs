using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>
/// face-api's <c>convLayer</c>: <c>conv2d(x, filters) + bias</c>, then the per-channel scale, then ReLU when asked. Stride 1
/// uses TensorFlow's "same" padding (for odd kernels, (k − 1)/2 on every side); stride 2 is "valid" (no padding), so no
/// asymmetric padding arises.
/// </summary>
internal sealed class ConvLayer : nn.Module<Tensor, Tensor>
{
    // Field names are face-api's weight names (<layer>/conv/…, <layer>/scale/…).
    private readonly ConvWeights conv;
    private readonly ScaleWeights scale;
    private readonly long[] stride;
    private readonly long[] padding;
    private readonly bool relu;

    /// <param name="name">The layer's name.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Side of the square kernel (odd).</param>
    /// <param name="down">Stride 2 with "valid" padding (face-api's <c>convDown</c>); otherwise stride 1, "same".</param>
    /// <param name="relu">Apply ReLU (face-api's <c>conv</c>, <c>convDown</c>); false for <c>convNoRelu</c>.</param>
    public ConvLayer(string name, long inChannels, long outChannels, long kernelSize, bool down, bool relu) : base(name)
    {
        conv = new ConvWeights(inChannels, outChannels, kernelSize);
        scale = new ScaleWeights(outChannels);
        stride = down ? [2, 2] : [1, 1];
        long pad = down ? 0 : (kernelSize - 1) / 2;
        padding = [pad, pad];
        this.relu = relu;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        Tensor y = nn.functional.conv2d(x, conv.Filters, conv.Bias, stride, padding); // N×O×H'×W'
        y = scale.Apply(y);
        return relu ? y.relu_() : y;
    }
}
