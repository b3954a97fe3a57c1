using static TorchSharp.torch;

namespace FaceEmbeddings.Models;

/// <summary>
/// Channels-last (NHWC) memory layout for 4-D tensors, with the logical NCHW shape unchanged. libtorch's CPU
/// convolutions (oneDNN) run InceptionResnetV1 markedly faster on channels-last activations and weights than on
/// NCHW ones, and every operation keeps the layout of its input. TorchSharp has no <c>memory_format</c> argument,
/// so the layout is made by permuting, copying and permuting back.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>A channels-last copy of <paramref name="x"/> (N×C×H×W), or <paramref name="x"/> itself when it already is one.</summary>
    public static Tensor Of(Tensor x)
    {
        Tensor pixels = x.permute(0, 2, 3, 1); // N×H×W×C
        return pixels.is_contiguous() ? x : pixels.contiguous().permute(0, 3, 1, 2);
    }

    /// <summary>
    /// A 1×1 convolution as the matrix product it is: channels-last N×C×H×W activations are an (N·H·W)×C matrix in
    /// memory. Besides saving the convolution's dispatch, this avoids oneDNN's 1×1 channels-last kernel, which in
    /// libtorch 2.10 returns wrong values for some shapes, with one thread as with several (InceptionResnetV1's 64→80
    /// channels at 38×38 and 384→1792 at 3×3, P-Net's heads).
    /// </summary>
    /// <param name="x">N×C×H×W activations, channels-last for the product to need no copy.</param>
    /// <param name="weight">O×C×1×1 convolution weights.</param>
    /// <param name="bias">O biases, or null.</param>
    /// <returns>N×O×H×W, channels-last.</returns>
    public static Tensor Pointwise(Tensor x, Tensor weight, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        Tensor pixels = x.permute(0, 2, 3, 1);                                            // N×H×W×C
        Tensor products = nn.functional.linear(pixels, weight.view(weight.shape[0], -1), bias); // N×H×W×O
        return products.permute(0, 3, 1, 2).MoveToOuterDisposeScope();                       // N×O×H×W
    }
}
