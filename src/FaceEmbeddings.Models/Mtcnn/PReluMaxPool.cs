using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Mtcnn;

/// <summary>
/// MTCNN's "PReLU, then max-pool" step in one pass over channels-last CPU activations. libtorch runs the two as
/// separate kernels that vectorize badly over 10 or 28 channels (P-Net's and R-Net's first layers), where they took
/// much of P-Net's time on the largest pyramid scale (benchmarks/README.md). The result equals <c>pool(prelu(x))</c> exactly:
/// the same products, and a maximum does not round.
/// </summary>
internal static class PReluMaxPool
{
    /// <summary>Applies <paramref name="prelu"/> and then <paramref name="pool"/> to <paramref name="x"/>.</summary>
    /// <param name="x">N×C×H×W activations. The managed kernel runs for float32 channels-last CPU tensors without
    /// gradients to record; any other input, or a pooling with padding or dilation, goes through the modules.</param>
    /// <param name="prelu">The activation, with one slope or one per channel.</param>
    /// <param name="pool">The pooling: a square window, padding 0, dilation 1, floor or ceiling mode.</param>
    /// <returns>N×C×H'×W', channels-last when the managed kernel ran.</returns>
    public static Tensor Apply(Tensor x, PReLU prelu, MaxPool2d pool)
    {
        if (!TryGetWindow(x, prelu, pool, out int kernel, out int stride))
            return pool.call(prelu.call(x));

        int batch = (int)x.shape[0], channels = (int)x.shape[1], height = (int)x.shape[2], width = (int)x.shape[3];
        int outHeight = PooledLength(height, kernel, stride, pool.ceil_mode);
        int outWidth = PooledLength(width, kernel, stride, pool.ceil_mode);
        using Tensor pixels = x.permute(0, 2, 3, 1);                           // N×H×W×C, contiguous
        using Tensor pooled = empty(batch, outHeight, outWidth, channels, ScalarType.Float32); // N×H′×W′×C
        ReadOnlySpan<float> input = MemoryMarshal.Cast<byte, float>(pixels.bytes);
        Span<float> output = MemoryMarshal.Cast<byte, float>(pooled.bytes);

        int rowLength = width * channels;
        float[] slopeRow = ArrayPool<float>.Shared.Rent(rowLength);
        float[] rowMaxima = ArrayPool<float>.Shared.Rent(rowLength);
        try
        {
            FillSlopes(prelu.weight, channels, slopeRow.AsSpan(0, rowLength));
            var window = new Window(kernel, stride, width, outWidth, channels);
            for (int n = 0; n < batch; n++)
            {
                for (int row = 0; row < outHeight; row++)
                {
                    int top = row * stride, bottom = Math.Min(top + kernel, height);
                    Span<float> maxima = rowMaxima.AsSpan(0, rowLength);
                    ReadOnlySpan<float> slopes = slopeRow.AsSpan(0, rowLength);
                    Activate(input.Slice(((n * height) + top) * rowLength, rowLength), slopes, maxima, first: true);
                    for (int y = top + 1; y < bottom; y++)
                        Activate(input.Slice(((n * height) + y) * rowLength, rowLength), slopes, maxima, first: false);
                    window.PoolRow(maxima, output.Slice(((n * outHeight) + row) * outWidth * channels, outWidth * channels));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(slopeRow);
            ArrayPool<float>.Shared.Return(rowMaxima);
        }
        return pooled.permute(0, 3, 1, 2); // N×C×H'×W', channels-last
    }

    /// <summary>PyTorch's output length for a window without padding or dilation.</summary>
    private static int PooledLength(int length, int kernel, int stride, bool ceilMode)
    {
        int steps = length - kernel;
        int count = (ceilMode ? (steps + stride - 1) / stride : steps / stride) + 1;
        // In ceiling mode the last window must still start inside the input.
        return ceilMode && (count - 1) * stride >= length ? count - 1 : count;
    }

    /// <summary>Whether <see cref="Apply"/> runs the managed kernel on these arguments rather than the modules.</summary>
    internal static bool CanFuse(Tensor x, PReLU prelu, MaxPool2d pool) => TryGetWindow(x, prelu, pool, out _, out _);

    /// <summary>The square window's side and stride when the managed kernel can run on these arguments.</summary>
    private static bool TryGetWindow(Tensor x, PReLU prelu, MaxPool2d pool, out int kernel, out int stride)
    {
        kernel = stride = 0;
        if (x.device_type != DeviceType.CPU || x.dtype != ScalarType.Float32 || x.dim() != 4 ||
            prelu.weight is not { } slopes || slopes.device_type != DeviceType.CPU || slopes.dtype != ScalarType.Float32 ||
            (slopes.numel() != 1 && slopes.numel() != x.shape[1]))
            return false;
        // The managed kernel records no autograd history: training goes through the modules.
        if (is_grad_enabled() && (x.requires_grad || slopes.requires_grad))
            return false;
        long[] kernelSize = pool.kernel_size, strides = pool.stride ?? pool.kernel_size;
        bool plainWindow = kernelSize.Length == 2 && kernelSize[0] == kernelSize[1] && strides.Length == 2 && strides[0] == strides[1] &&
                           (pool.padding is null || pool.padding.All(p => p == 0)) && (pool.dilation is null || pool.dilation.All(d => d == 1));
        // Inputs smaller than the window, and spans past 2 GiB, are left to libtorch (its error, its indexing).
        if (!plainWindow || x.shape[2] < kernelSize[0] || x.shape[3] < kernelSize[0] || x.numel() > int.MaxValue / sizeof(float))
            return false;
        using Tensor pixels = x.permute(0, 2, 3, 1);
        if (!pixels.is_contiguous())
            return false;
        kernel = (int)kernelSize[0];
        stride = (int)strides[0];
        return true;
    }

    /// <summary>The slopes repeated along a row of pixels, so the activation vectorizes over the whole row.</summary>
    private static void FillSlopes(Tensor weight, int channels, Span<float> slopeRow)
    {
        float[] slopes = weight.data<float>().ToArray();
        for (int i = 0; i < slopeRow.Length; i++)
            slopeRow[i] = slopes.Length == 1 ? slopes[0] : slopes[i % channels];
    }

    /// <summary>PReLU of one input row, written to <paramref name="maxima"/> or folded into it by maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Activate(ReadOnlySpan<float> row, ReadOnlySpan<float> slopes, Span<float> maxima, bool first)
    {
        int i = 0;
        for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var value = new Vector<float>(row[i..]);
            Vector<float> activated = Vector.ConditionalSelect(Vector.GreaterThan(value, Vector<float>.Zero), value, value * new Vector<float>(slopes[i..]));
            (first ? activated : Vector.Max(activated, new Vector<float>(maxima[i..]))).CopyTo(maxima[i..]);
        }
        for (; i < row.Length; i++)
        {
            float activated = row[i] > 0 ? row[i] : row[i] * slopes[i];
            maxima[i] = first ? activated : Math.Max(activated, maxima[i]);
        }
    }

    /// <summary>The horizontal half of the pooling: maxima over windows of pixels within one row.</summary>
    private readonly record struct Window(int Kernel, int Stride, int Width, int OutWidth, int Channels)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void PoolRow(ReadOnlySpan<float> maxima, Span<float> destination)
        {
            int lanes = Vector<float>.Count;
            for (int column = 0; column < OutWidth; column++)
            {
                int left = column * Stride, right = Math.Min(left + Kernel, Width);
                Span<float> pixel = destination.Slice(column * Channels, Channels);
                if (Channels < lanes)
                {
                    for (int c = 0; c < Channels; c++)
                    {
                        float best = maxima[(left * Channels) + c];
                        for (int x = left + 1; x < right; x++)
                            best = Math.Max(best, maxima[(x * Channels) + c]);
                        pixel[c] = best;
                    }
                    continue;
                }
                // Whole vectors over the channels; the last one overlaps its predecessor when C is not a multiple.
                for (int c = 0; ; c = Math.Min(c + lanes, Channels - lanes))
                {
                    var best = new Vector<float>(maxima[((left * Channels) + c)..]);
                    for (int x = left + 1; x < right; x++)
                        best = Vector.Max(best, new Vector<float>(maxima[((x * Channels) + c)..]));
                    best.CopyTo(pixel[c..]);
                    if (c == Channels - lanes)
                        break;
                }
            }
        }
    }
}
