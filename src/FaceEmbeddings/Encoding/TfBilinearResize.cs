using FaceEmbeddings.Runtime;
using static TorchSharp.torch;

namespace FaceEmbeddings.Encoding;

/// <summary>
/// TensorFlow's bilinear resize as face-api calls it (<c>resizeBilinear</c>, alignCorners false, halfPixelCenters false):
/// output pixel i samples input position <c>i × in / out</c>, interpolating along the width first, then the height.
/// </summary>
internal static class TfBilinearResize
{
    /// <summary><paramref name="images"/> (N×C×S×S) resized to N×C×<paramref name="size"/>×<paramref name="size"/>.</summary>
    public static Tensor Resize(Tensor images, int size)
    {
        using var scope = NewDisposeScope();
        long side = images.shape[2];
        (Tensor low, Tensor high, Tensor fraction) = Taps(side, size, images.device);
        Tensor lowRows = images.index_select(2, low);   // N×C×size×S
        Tensor highRows = images.index_select(2, high); // N×C×size×S
        Tensor top = Lerp(lowRows.index_select(3, low), lowRows.index_select(3, high), fraction.view(1, 1, 1, size));      // N×C×size×size
        Tensor bottom = Lerp(highRows.index_select(3, low), highRows.index_select(3, high), fraction.view(1, 1, 1, size)); // N×C×size×size
        return Lerp(top, bottom, fraction.view(1, 1, size, 1)).MoveToOuterDisposeScope();
    }

    /// <summary>For each output index: the two input indices it lies between and its fraction of the way, in double as TF.js computes them.</summary>
    private static (Tensor Low, Tensor High, Tensor Fraction) Taps(long inputSize, int outputSize, Device device)
    {
        double ratio = (double)inputSize / outputSize;
        long[] low = new long[outputSize];
        long[] high = new long[outputSize];
        float[] fraction = new float[outputSize];
        for (int i = 0; i < outputSize; i++)
        {
            double source = ratio * i;
            low[i] = (long)Math.Floor(source);
            high[i] = Math.Min(inputSize - 1, (long)Math.Ceiling(source));
            fraction[i] = (float)(source - low[i]);
        }
        return (tensor(low, device: device), tensor(high, device: device), tensor(fraction, device: device));
    }

    private static Tensor Lerp(Tensor from, Tensor to, Tensor fraction) => from.Plus(to.sub(from).mul_(fraction));
}
