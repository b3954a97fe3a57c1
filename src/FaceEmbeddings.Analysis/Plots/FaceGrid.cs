using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Plots;

/// <summary>
/// Tiles face crops into one image, laid out as torchvision's <c>make_grid</c> lays them out:
/// <see cref="FaceGridOptions.ImagesPerRow"/> images per row, filled row by row, each image preceded
/// by <see cref="FaceGridOptions.Padding"/> pixels of <see cref="FaceGridOptions.PadValue"/> on the left
/// and top, and the grid closed by the same padding on the right and bottom; slots after the last image
/// stay padding. As in torchvision, a single image is returned as it is, without padding.
/// </summary>
public static class FaceGrid
{
    /// <summary>
    /// Builds the grid as a 3×H×W uint8 tensor (RGB, channels first) on the device of <paramref name="faces"/>.
    /// </summary>
    /// <param name="faces">N×3×H×W crops, RGB: float values <c>(x − 127.5) / 128</c> when
    /// <paramref name="standardized"/>, otherwise 0..255 (float or uint8).</param>
    /// <param name="standardized">True when <paramref name="faces"/> holds standardized values (as
    /// <see cref="FaceCrop.IsStandardized"/>); they are mapped back to 0..255 and rounded.</param>
    /// <param name="options">Layout; defaults as torchvision (8 per row, padding 2, pad value 0).</param>
    /// <exception cref="ArgumentException">The tensor is not N×3×H×W, holds NaN or infinity, or is uint8 but said to be standardized.</exception>
    public static Tensor Make(Tensor faces, bool standardized, FaceGridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(faces);
        options ??= new FaceGridOptions();
        options.Validate(nameof(options));
        ValidateFaces(faces, standardized);

        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        Tensor pixels = FaceCrop.ToBytes(faces.detach(), standardized);
        long count = pixels.shape[0], height = pixels.shape[2], width = pixels.shape[3];
        if (count == 1) return pixels[0].MoveToOuterDisposeScope();

        long columns = Math.Min(options.ImagesPerRow, count);
        long rows = (count + columns - 1) / columns;
        long slots = rows * columns;
        if (slots > count)
        {
            using Scalar pad = options.PadValue;
            Tensor empty = full(new[] { slots - count, 3, height, width }, pad, ScalarType.Byte, pixels.device);
            pixels = cat(new[] { pixels, empty }, 0);
        }

        int padding = options.Padding;
        // Each tile carries the padding on its right and bottom; the grid's left and top padding comes last.
        Tensor tiles = nn.functional.pad(pixels, new long[] { 0, padding, 0, padding }, PaddingModes.Constant, options.PadValue); // [slots, 3, H+p, W+p]
        Tensor grid = tiles
            .view(rows, columns, 3, height + padding, width + padding)
            .permute(2, 0, 3, 1, 4)                                                   // [3, rows, H+p, columns, W+p]
            .reshape(3, rows * (height + padding), columns * (width + padding));
        grid = nn.functional.pad(grid, new long[] { padding, 0, padding, 0 }, PaddingModes.Constant, options.PadValue); // [3, rows(H+p)+p, columns(W+p)+p]
        return grid.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Builds the grid (see <see cref="Make"/>) and renders it as PNG.</summary>
    /// <inheritdoc cref="Make" path="/param"/>
    /// <inheritdoc cref="Make" path="/exception"/>
    public static byte[] Render(Tensor faces, bool standardized, FaceGridOptions? options = null)
    {
        using var grid = Make(faces, standardized, options);
        return FaceImage.EncodeRgb(grid);
    }

    /// <summary>Builds the grid of <paramref name="crops"/> (all the same size) and encodes it as PNG.</summary>
    /// <param name="crops">The crops, in grid order; standardized and raw crops may be mixed.</param>
    /// <param name="options">Layout; defaults as torchvision (8 per row, padding 2, pad value 0).</param>
    /// <exception cref="ArgumentException">The list is empty, holds null, or the crops differ in size.</exception>
    public static byte[] Render(IReadOnlyList<FaceCrop> crops, FaceGridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(crops);
        if (crops.Count == 0) throw new ArgumentException("At least one face crop is needed for a grid.", nameof(crops));
        using var scope = NewDisposeScope();
        var pixels = new Tensor[crops.Count];
        for (int i = 0; i < crops.Count; i++)
        {
            FaceCrop crop = crops[i] ?? throw new ArgumentException($"Face crop {i} is null.", nameof(crops));
            if (crop.Size != crops[0].Size)
                throw new ArgumentException($"All crops of a grid must have one size; crop 0 is {crops[0].Size} px, crop {i} is {crop.Size} px.", nameof(crops));
            pixels[i] = crop.ToByteTensor();
        }
        return Render(stack(pixels), standardized: false, options);
    }

    /// <summary>Writes the grid of <paramref name="faces"/> as a PNG file (atomically: a temporary file renamed into place).</summary>
    /// <param name="path">The PNG file to write; its folder is created when missing.</param>
    /// <param name="faces">The N×3×S×S faces.</param>
    /// <param name="standardized">True when the values are (x − 127.5) / 128, false for 0..255.</param>
    /// <param name="options">Layout of the grid; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <inheritdoc cref="Make" path="/exception"/>
    public static Task SaveAsync(string path, Tensor faces, bool standardized, FaceGridOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return AtomicFile.WriteAllBytesAsync(path, Render(faces, standardized, options), cancellationToken);
    }

    private static void ValidateFaces(Tensor faces, bool standardized)
    {
        if (faces.dim() != 4 || faces.shape[1] != 3 || faces.shape[0] < 1 || faces.shape[2] < 1 || faces.shape[3] < 1)
            throw new ArgumentException($"Faces must be N×3×H×W with N ≥ 1; got [{string.Join(", ", faces.shape)}].", nameof(faces));
        if (faces.dtype == ScalarType.Byte)
        {
            if (standardized) throw new ArgumentException("uint8 faces hold 0..255 values and cannot be standardized.", nameof(standardized));
            return;
        }
        if (!faces.is_floating_point())
            throw new ArgumentException($"Faces must be floating point or uint8; got {faces.dtype}.", nameof(faces));
        using var finite = isfinite(faces).all();
        if (!finite.item<bool>()) throw new ArgumentException("Faces hold NaN or infinite values.", nameof(faces));
    }
}
