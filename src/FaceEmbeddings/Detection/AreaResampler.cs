using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Detection;

/// <summary>
/// Area interpolation (PyTorch's <c>F.interpolate(mode="area")</c>, i.e. adaptive average pooling) of a batch of
/// equal-size 8-bit RGB images: whole images for MTCNN's pyramid and many rectangular crops of different sizes for
/// R-Net and O-Net, all from one summed-area table of the images.
/// </summary>
/// <remarks>
/// Output pixel (i, j) of a window of h × w source pixels resized to H × W is the mean of source rows
/// ⌊i·h/H⌋ … ⌈(i+1)·h/H⌉ − 1 and columns ⌊j·w/W⌋ … ⌈(j+1)·w/W⌉ − 1. Each window sum comes from four table entries,
/// exactly (the pixels are integers), and is divided by the row count and then the column count in float32, as
/// PyTorch's kernel divides: the means equal PyTorch's bit for bit wherever PyTorch's float32 sum is exact (windows
/// up to 65,793 pixels, every window MTCNN uses on photos), and are the exact means beyond.
/// <para>The table holds its sums modulo 2³² (<see cref="uint"/> arithmetic wraps), half the memory of 64-bit sums.
/// A window sum, always below 2³², comes out of the wrapped entries exactly by the same wrapping arithmetic.</para>
/// <para>This runs on the host, in managed code, whatever the networks' device: the images are in host memory
/// already, and building the table and resizing cost less than adaptive average pooling of the pyramid or table
/// lookups through tensor operations (benchmarks/README.md). Each call runs on
/// the thread that makes it, without a parallel loop of its own (those only competed with libtorch's spinning worker
/// threads); the detector resizes several scales or crop batches at once on its worker threads, which only read the
/// table. Outputs are made on the host and then moved to the requested device.</para>
/// <para>Every buffer is reused: the tables come from the shared array pool and go back on <see cref="Dispose"/>, and
/// outputs are written straight into native tensor memory. Fresh pages would cost a page fault per 4 KiB, which on
/// virtual machines costs more than the resizing itself.</para>
/// </remarks>
internal sealed class AreaResampler : IDisposable
{
    private const int Channels = 3;

    private readonly uint[][] tables;   // per image: (H + 1) × (W + 1) × 3 wrapped sums; row 0 and column 0 are zero
    private readonly int height;
    private readonly int width;

    private AreaResampler(uint[][] tables, int height, int width)
    {
        this.tables = tables;
        this.height = height;
        this.width = width;
    }

    /// <summary>Builds the summed-area tables of <paramref name="images"/>.</summary>
    /// <param name="images">Each image as height × width × 3 bytes, row by row.</param>
    /// <param name="height">Height of every image.</param>
    /// <param name="width">Width of every image.</param>
    public static AreaResampler Of(IReadOnlyList<byte[]> images, int height, int width)
    {
        var tables = new uint[images.Count][];
        for (int n = 0; n < images.Count; n++)
            tables[n] = SummedAreaTable(images[n], height, width);
        return new AreaResampler(tables, height, width);
    }

    /// <summary>Returns the tables to the array pool.</summary>
    public void Dispose()
    {
        for (int n = 0; n < tables.Length; n++)
        {
            if (tables[n] is { } table) ArrayPool<uint>.Shared.Return(table);
            tables[n] = null!;
        }
    }

    /// <summary>Number of images.</summary>
    public int Count => tables.Length;

    /// <summary>Height of the images.</summary>
    public int Height => height;

    /// <summary>Width of the images.</summary>
    public int Width => width;

    /// <summary>Every image resized to <paramref name="outHeight"/> × <paramref name="outWidth"/>.</summary>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="normalization">Applied to each mean as it is written (one pass over memory instead of three).</param>
    /// <param name="device">Where the result goes.</param>
    /// <returns>[N, outHeight, outWidth, 3] float32 normalized means on <paramref name="device"/>.</returns>
    public Tensor ResizeImages(int outHeight, int outWidth, PixelNormalization normalization, Device device)
    {
        (int[] rowStart, int[] rowEnd) = Windows(0, height, outHeight);
        (int[] colStart, int[] colEnd) = Windows(0, width, outWidth);
        float[] columnCounts = ColumnCounts(colStart, colEnd);
        Tensor means = empty([Count, outHeight, outWidth, Channels]);
        Span<float> values = Values(means);
        for (int row = 0; row < Count * outHeight; row++)
        {
            int n = row / outHeight, i = row % outHeight;
            Span<float> destination = values.Slice(row * outWidth * Channels, outWidth * Channels);
            WindowRow(tables[n], rowStart[i], rowEnd[i], colStart, colEnd, columnCounts, normalization, destination);
        }
        return ToDevice(means, device);
    }

    /// <summary>Crops of the images, each resized to <paramref name="outHeight"/> × <paramref name="outWidth"/>.</summary>
    /// <param name="crops">(image index, top, left, bottom, right) per crop, bottom and right exclusive, each crop
    /// at least one pixel and inside its image.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="normalization">Applied to each mean as it is written.</param>
    /// <param name="device">Where the result goes.</param>
    /// <returns>[K, outHeight, outWidth, 3] float32 normalized means on <paramref name="device"/>.</returns>
    public Tensor ResizeCrops(IReadOnlyList<CropWindow> crops, int outHeight, int outWidth, PixelNormalization normalization, Device device)
    {
        for (int k = 0; k < crops.Count; k++)
        {
            CropWindow crop = crops[k];
            if (crop.Image < 0 || crop.Image >= Count || crop.Top < 0 || crop.Left < 0 || crop.Bottom > height || crop.Right > width
                || crop.Bottom <= crop.Top || crop.Right <= crop.Left)
                throw new ArgumentOutOfRangeException(nameof(crops), $"Crop {k} {crop} is empty or outside the {width}×{height} images.");
        }
        Tensor means = empty([crops.Count, outHeight, outWidth, Channels]);
        Span<float> values = Values(means);
        for (int k = 0; k < crops.Count; k++)
        {
            CropWindow crop = crops[k];
            (int[] rowStart, int[] rowEnd) = Windows(crop.Top, crop.Bottom - crop.Top, outHeight);
            (int[] colStart, int[] colEnd) = Windows(crop.Left, crop.Right - crop.Left, outWidth);
            float[] columnCounts = ColumnCounts(colStart, colEnd);
            for (int i = 0; i < outHeight; i++)
            {
                Span<float> destination = values.Slice(((k * outHeight) + i) * outWidth * Channels, outWidth * Channels);
                WindowRow(tables[crop.Image], rowStart[i], rowEnd[i], colStart, colEnd, columnCounts, normalization, destination);
            }
        }
        return ToDevice(means, device);
    }

    /// <summary>The table of one image: entry (y, x, c) holds the sum of channel c over rows 0..y − 1 and columns
    /// 0..x − 1, modulo 2³².</summary>
    private static uint[] SummedAreaTable(byte[] image, int height, int width)
    {
        long entries = (height + 1L) * (width + 1L) * Channels;
        if (entries > Array.MaxLength)
            throw new ArgumentException($"A {width}×{height} image is too large for one summed-area table ({entries} entries).", nameof(image));
        int stride = (width + 1) * Channels;
        int length = (int)entries;
        uint[] table = ArrayPool<uint>.Shared.Rent(length); // possibly longer, and not cleared
        table.AsSpan(0, stride).Clear();                    // row 0; column 0 of the others is written below
        // Prefix sums along each row (rows are independent), then down the columns, a whole row at a time.
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> source = image.AsSpan(y * width * Channels, width * Channels);
            Span<uint> row = table.AsSpan((y + 1) * stride, stride);
            uint r = 0, g = 0, b = 0;
            row[0] = row[1] = row[2] = 0;
            for (int x = 0; x < width; x++)
            {
                r += source[3 * x];
                g += source[3 * x + 1];
                b += source[3 * x + 2];
                row[3 * (x + 1)] = r;
                row[3 * (x + 1) + 1] = g;
                row[3 * (x + 1) + 2] = b;
            }
        }
        for (int y = 2; y <= height; y++)
        {
            Span<uint> row = table.AsSpan(y * stride, stride);
            ReadOnlySpan<uint> above = table.AsSpan((y - 1) * stride, stride);
            int x = 0;
            for (; x <= stride - Vector<uint>.Count; x += Vector<uint>.Count)
                (new Vector<uint>(row[x..]) + new Vector<uint>(above[x..])).CopyTo(row[x..]);
            for (; x < stride; x++)
                row[x] += above[x];
        }
        return table;
    }

    /// <summary>One output row: the means of the windows between table rows <paramref name="top"/> and
    /// <paramref name="bottom"/> and each pair of column bounds. The sums are gathered one by one, then divided by the
    /// row count and the column count (<paramref name="columnCounts"/>, per output element), then normalized, a vector
    /// at a time: IEEE arithmetic rounds the same in vector and scalar form.</summary>
    private void WindowRow(uint[] table, int top, int bottom, int[] colStart, int[] colEnd, float[] columnCounts,
                           PixelNormalization normalization, Span<float> destination)
    {
        int stride = (width + 1) * Channels;
        ReadOnlySpan<uint> upper = table.AsSpan(top * stride, stride);
        ReadOnlySpan<uint> lower = table.AsSpan(bottom * stride, stride);
        for (int j = 0; j < colStart.Length; j++)
        {
            int left = colStart[j] * Channels, right = colEnd[j] * Channels;
            for (int c = 0; c < Channels; c++)
                destination[j * Channels + c] = lower[right + c] - lower[left + c] - upper[right + c] + upper[left + c];
        }

        float rows = bottom - top;
        var rowVector = new Vector<float>(rows);
        var offset = new Vector<float>(normalization.Offset);
        var scale = new Vector<float>(normalization.Scale);
        int x = 0;
        for (; x <= destination.Length - Vector<float>.Count; x += Vector<float>.Count)
            (((new Vector<float>(destination[x..]) / rowVector / new Vector<float>(columnCounts.AsSpan(x))) - offset) * scale).CopyTo(destination[x..]);
        for (; x < destination.Length; x++)
            destination[x] = ((destination[x] / rows / columnCounts[x]) - normalization.Offset) * normalization.Scale;
    }

    /// <summary>The column count of each output element's window, repeated for the three channels.</summary>
    private static float[] ColumnCounts(int[] colStart, int[] colEnd)
    {
        var counts = new float[colStart.Length * Channels];
        for (int j = 0; j < colStart.Length; j++)
            counts.AsSpan(j * Channels, Channels).Fill(colEnd[j] - colStart[j]);
        return counts;
    }

    /// <summary>The source windows [start, end) of each output index along one axis, offset by
    /// <paramref name="offset"/>.</summary>
    private static (int[] Start, int[] End) Windows(int offset, int length, int outLength)
    {
        var start = new int[outLength];
        var end = new int[outLength];
        for (int i = 0; i < outLength; i++)
        {
            start[i] = offset + (int)((long)i * length / outLength);
            end[i] = offset + (int)(((long)(i + 1) * length + outLength - 1) / outLength);
        }
        return (start, end);
    }

    /// <summary>The float32 elements of a contiguous CPU tensor, in its native memory.</summary>
    private static Span<float> Values(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);

    private static Tensor ToDevice(Tensor host, Device device)
    {
        if (device.type == DeviceType.CPU) return host;
        using (host) return host.to(device);
    }
}
