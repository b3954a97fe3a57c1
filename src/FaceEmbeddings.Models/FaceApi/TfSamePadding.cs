using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>
/// TensorFlow's <c>'same'</c> padding: the output side is ⌈n / stride⌉, and the total padding
/// max((out − 1)·stride + k − n, 0) is split with the smaller half before (top, left) and the rest after (bottom, right).
/// At stride 2 on an even side a 3×3 window gets no padding before and one row or column after, which PyTorch's
/// symmetric padding cannot express.
/// </summary>
internal static class TfSamePadding
{
    /// <summary><paramref name="x"/> (N×C×H×W) padded for a <paramref name="kernelSize"/> window at <paramref name="stride"/>.</summary>
    /// <param name="x">The activations.</param>
    /// <param name="kernelSize">Side of the square window.</param>
    /// <param name="stride">The window's step.</param>
    /// <param name="value">The padding value: 0 for convolutions, −∞ for max pooling (TF skips padded positions).</param>
    public static Tensor Pad(Tensor x, long kernelSize, long stride, double value = 0)
    {
        (long top, long bottom) = Split(x.shape[2], kernelSize, stride);
        (long left, long right) = Split(x.shape[3], kernelSize, stride);
        return top == 0 && bottom == 0 && left == 0 && right == 0
            ? x
            : nn.functional.pad(x, [left, right, top, bottom], PaddingModes.Constant, value);
    }

    private static (long Before, long After) Split(long size, long kernelSize, long stride)
    {
        long output = (size + stride - 1) / stride;
        long total = Math.Max(((output - 1) * stride) + kernelSize - size, 0);
        return (total / 2, total - (total / 2));
    }
}
