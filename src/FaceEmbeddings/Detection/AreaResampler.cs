using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Detection;

/// <summary>
/// Area interpolation (PyTorch's <c>F.interpolate(mode="area")</c>, i.e. adaptive average pooling) of whole
/// images and of many rectangular crops at once, through a summed-area table of the 8-bit images.
/// </summary>
/// <remarks>
/// Output pixel (i, j) of a crop of h × w pixels resized to H × W is the mean of source rows
/// ⌊i·h/H⌋ … ⌈(i+1)·h/H⌉ − 1 and columns ⌊j·w/W⌋ … ⌈(j+1)·w/W⌉ − 1. Each window sum is read from the table
/// with four lookups, exactly (the pixels are integers), and divided by the row count and then the column
/// count in float32, as PyTorch's kernel does: the result equals PyTorch's bit for bit, for every crop at
/// once, whatever the crop sizes.
/// </remarks>
internal static class AreaResampler
{
    /// <summary>The summed-area table of uint8 images.</summary>
    /// <param name="images">[N, H, W, 3] uint8.</param>
    /// <returns>[N·(H + 1)·(W + 1), 3] integer table: row <c>(n·(H + 1) + y)·(W + 1) + x</c> holds the sums of
    /// image n over rows 0..y − 1 and columns 0..x − 1.</returns>
    public static Tensor SummedAreaTable(Tensor images)
    {
        using var scope = NewDisposeScope();
        long height = images.shape[1], width = images.shape[2];
        // int32 holds any sum of an image below 2^31 / 255 ≈ 8.4 megapixels; larger images need int64.
        ScalarType type = height * width * 255 < int.MaxValue ? ScalarType.Int32 : ScalarType.Int64;
        Tensor sums = images.to(type).cumsum(1, type).cumsum(2, type);             // [N, H, W, 3]
        Tensor table = nn.functional.pad(sums, new long[] { 0, 0, 1, 0, 1, 0 });   // [N, H + 1, W + 1, 3]
        return table.reshape(-1, 3).MoveToOuterDisposeScope();
    }

    /// <summary>Resizes whole images to <paramref name="outHeight"/> × <paramref name="outWidth"/> with area
    /// interpolation: window sums along the rows, then along the columns, each two slab lookups in the table.</summary>
    /// <param name="table">The table from <see cref="SummedAreaTable"/>.</param>
    /// <param name="imageCount">N of the images.</param>
    /// <param name="imageHeight">H of the images.</param>
    /// <param name="imageWidth">W of the images.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <returns>[N, outHeight, outWidth, 3] float32 means.</returns>
    public static Tensor ResizeImages(Tensor table, long imageCount, long imageHeight, long imageWidth, long outHeight, long outWidth)
    {
        using var scope = NewDisposeScope();
        Device device = table.device;
        Tensor images = table.view(imageCount, imageHeight + 1, imageWidth + 1, 3);
        Tensor origin = zeros(1, ScalarType.Int64, device);
        (Tensor rowStart, Tensor rowEnd) = Windows(origin, full(1, imageHeight, ScalarType.Int64, device), outHeight, device);
        (Tensor colStart, Tensor colEnd) = Windows(origin, full(1, imageWidth, ScalarType.Int64, device), outWidth, device);
        rowStart = rowStart.squeeze(0);
        rowEnd = rowEnd.squeeze(0);
        colStart = colStart.squeeze(0);
        colEnd = colEnd.squeeze(0);

        Tensor rows = images.index_select(1, rowEnd) - images.index_select(1, rowStart); // [N, outHeight, W + 1, 3]
        Tensor sums = rows.index_select(2, colEnd) - rows.index_select(2, colStart);     // [N, outHeight, outWidth, 3]
        Tensor rowCount = (rowEnd - rowStart).to(ScalarType.Float32).view(1, -1, 1, 1);
        Tensor colCount = (colEnd - colStart).to(ScalarType.Float32).view(1, 1, -1, 1);
        return (sums.to(ScalarType.Float32) / rowCount / colCount).MoveToOuterDisposeScope();
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
        Device device = table.device;
        long stride = imageWidth + 1;
        Tensor image = crops[.., 0], top = crops[.., 1], left = crops[.., 2];
        Tensor height = crops[.., 3] - top, width = crops[.., 4] - left;

        (Tensor rowStart, Tensor rowEnd) = Windows(top, height, outHeight, device);  // [K, outHeight]
        (Tensor colStart, Tensor colEnd) = Windows(left, width, outWidth, device);   // [K, outWidth]

        Tensor imageBase = (image * ((imageHeight + 1) * stride)).view(-1, 1, 1);
        Tensor startRows = (rowStart * stride).unsqueeze(2) + imageBase;              // [K, outHeight, 1]
        Tensor endRows = (rowEnd * stride).unsqueeze(2) + imageBase;
        Tensor startCols = colStart.unsqueeze(1), endCols = colEnd.unsqueeze(1);      // [K, 1, outWidth]

        Tensor sums = Lookup(table, endRows + endCols) - Lookup(table, startRows + endCols)
                    - Lookup(table, endRows + startCols) + Lookup(table, startRows + startCols); // [K, outHeight, outWidth, 3]

        Tensor rowCount = (rowEnd - rowStart).to(ScalarType.Float32).view(-1, outHeight, 1, 1);
        Tensor colCount = (colEnd - colStart).to(ScalarType.Float32).view(-1, 1, outWidth, 1);
        return (sums.to(ScalarType.Float32) / rowCount / colCount).MoveToOuterDisposeScope();
    }

    /// <summary>The source windows [start, end) of each output index along one axis, for every crop.</summary>
    private static (Tensor Start, Tensor End) Windows(Tensor offset, Tensor length, long outLength, Device device)
    {
        Tensor index = arange(outLength, ScalarType.Int64, device).unsqueeze(0);   // [1, out]
        Tensor size = length.unsqueeze(1);                                          // [K, 1]
        Tensor start = (index * size).floor_divide(outLength);
        Tensor end = ((index + 1) * size + (outLength - 1)).floor_divide(outLength);
        Tensor origin = offset.unsqueeze(1);
        return (start + origin, end + origin);
    }

    private static Tensor Lookup(Tensor table, Tensor rows)
    {
        long[] shape = rows.shape;
        return table.index_select(0, rows.flatten()).view(shape[0], shape[1], shape[2], 3);
    }
}
