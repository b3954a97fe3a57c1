using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Detection;

/// <summary>
/// Area interpolation (PyTorch's <c>F.interpolate(mode="area")</c>, i.e. adaptive average pooling) of many
/// rectangular crops of different sizes at once, through a summed-area table of the 8-bit images. facenet-pytorch
/// resizes its R-Net and O-Net crops one at a time; one table serves all of them in a few tensor operations.
/// </summary>
/// <remarks>
/// Output pixel (i, j) of a crop of h × w pixels resized to H × W is the mean of source rows
/// ⌊i·h/H⌋ … ⌈(i+1)·h/H⌉ − 1 and columns ⌊j·w/W⌋ … ⌈(j+1)·w/W⌉ − 1. Each window sum comes from four table
/// entries, exactly (the pixels are integers), and is divided by the row count and then the column count in
/// float32, as PyTorch's kernel does: the result equals PyTorch's bit for bit, for every crop at once,
/// whatever the crop sizes.
/// <para>The table holds its sums modulo 2³² in int32 (PyTorch's cumulative sum accumulates in int64 and
/// stores the low 32 bits), so it takes half the memory of an int64 table at any image size. A window sum,
/// always below 2³², is recovered exactly from the wrapped entries by subtracting in int64 and keeping the
/// low 32 bits.</para>
/// </remarks>
internal static class AreaResampler
{
    private const long Low32Bits = 0xFFFF_FFFFL;

    /// <summary>The summed-area table of uint8 images, modulo 2³².</summary>
    /// <param name="images">[N, H, W, 3] uint8.</param>
    /// <returns>[N·(H + 1)·(W + 1), 3] int32 table: row <c>(n·(H + 1) + y)·(W + 1) + x</c> holds the sums of
    /// image n over rows 0..y − 1 and columns 0..x − 1, modulo 2³².</returns>
    public static Tensor SummedAreaTable(Tensor images)
    {
        using var scope = NewDisposeScope();
        Tensor sums = images.to(ScalarType.Int32).cumsum(1, ScalarType.Int32).cumsum(2, ScalarType.Int32); // [N, H, W, 3]
        Tensor table = nn.functional.pad(sums, new long[] { 0, 0, 1, 0, 1, 0 });                            // [N, H + 1, W + 1, 3]
        return table.reshape(-1, 3).MoveToOuterDisposeScope();
    }

    /// <summary>Resizes crops of the images behind <paramref name="table"/> to <paramref name="outHeight"/> ×
    /// <paramref name="outWidth"/> with area interpolation.</summary>
    /// <param name="table">The table from <see cref="SummedAreaTable"/>.</param>
    /// <param name="imageHeight">H of the images.</param>
    /// <param name="imageWidth">W of the images.</param>
    /// <param name="crops">[K, 5] int64 rows (image index, top, left, bottom, right), bottom and right exclusive,
    /// each crop at least one pixel and inside its image.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <returns>[K, outHeight, outWidth, 3] float32 means.</returns>
    public static Tensor ResizeCrops(Tensor table, long imageHeight, long imageWidth, Tensor crops, long outHeight, long outWidth)
    {
        using var scope = NewDisposeScope();
        long stride = imageWidth + 1;
        Tensor image = crops[.., 0], top = crops[.., 1], left = crops[.., 2];
        (Tensor rowStart, Tensor rowEnd) = Windows(top, crops[.., 3] - top, outHeight);   // [K, outHeight]
        (Tensor colStart, Tensor colEnd) = Windows(left, crops[.., 4] - left, outWidth);  // [K, outWidth]

        Tensor imageBase = (image * ((imageHeight + 1) * stride)).view(-1, 1, 1);
        Tensor startRows = (rowStart * stride).unsqueeze(2) + imageBase;                   // [K, outHeight, 1]
        Tensor endRows = (rowEnd * stride).unsqueeze(2) + imageBase;
        Tensor startCols = colStart.unsqueeze(1), endCols = colEnd.unsqueeze(1);           // [K, 1, outWidth]

        Tensor sums = Lookup(table, endRows + endCols) - Lookup(table, startRows + endCols)
                    - Lookup(table, endRows + startCols) + Lookup(table, startRows + startCols); // [K, outHeight, outWidth, 3]
        Tensor rowCount = (rowEnd - rowStart).view(-1, outHeight, 1, 1);
        Tensor colCount = (colEnd - colStart).view(-1, 1, outWidth, 1);
        return Means(sums, rowCount, colCount).MoveToOuterDisposeScope();
    }

    /// <summary>Window means from wrapped int64 window sums, divided as PyTorch's kernel divides.</summary>
    private static Tensor Means(Tensor wrappedSums, Tensor rowCount, Tensor colCount) =>
        wrappedSums.bitwise_and(Low32Bits).to(ScalarType.Float32) / rowCount.to(ScalarType.Float32) / colCount.to(ScalarType.Float32);

    /// <summary>The source windows [start, end) of each output index along one axis, for every crop: [K, out] each.</summary>
    private static (Tensor Start, Tensor End) Windows(Tensor offset, Tensor length, long outLength)
    {
        Tensor index = arange(outLength, ScalarType.Int64, offset.device).unsqueeze(0); // [1, out]
        Tensor size = length.unsqueeze(1);                                              // [K, 1]
        Tensor start = (index * size).floor_divide(outLength);
        Tensor end = ((index + 1) * size + (outLength - 1)).floor_divide(outLength);
        Tensor origin = offset.unsqueeze(1);
        return (start + origin, end + origin);
    }

    /// <summary>Table rows at <paramref name="rows"/> [K, h, w], widened to int64: [K, h, w, 3].</summary>
    private static Tensor Lookup(Tensor table, Tensor rows)
    {
        long[] shape = rows.shape;
        return table.index_select(0, rows.flatten()).view(shape[0], shape[1], shape[2], 3).to(ScalarType.Int64);
    }
}
