using static TorchSharp.torch;

namespace FaceEmbeddings.Detection;

/// <summary>
/// Cuts aligned face chips out of one image in one warp per group of faces: a bilinear <c>grid_sample</c> through each
/// face's similarity transform, on the image's device. A chip that shrinks the face more than twice is sampled k×k times per chip pixel
/// and averaged (a box filter as wide as a chip pixel's footprint in the image), so that a large face does not alias;
/// beyond <see cref="MaxSupersampling"/> the image is first halved as often as needed (a pyramid level, as dlib's
/// <c>extract_image_chips</c> does), which keeps the sampling grid small.
/// </summary>
internal static class AlignedChipSampler
{
    /// <summary>The most samples per chip pixel along each axis before a pyramid level is used instead.</summary>
    public const int MaxSupersampling = 4;

    /// <summary>
    /// The chips of <paramref name="chipToImage"/>'s faces: [N, 3, size, size] in <paramref name="image"/>'s dtype and
    /// values, not rounded; zero where a chip reaches outside the image. Chip pixel (i, j) is centred at chip coordinates
    /// (j, i), which each transform maps to image coordinates with pixel centres at whole numbers.
    /// </summary>
    /// <param name="image">One image, [3, H, W], floating point.</param>
    /// <param name="chipToImage">Per face, chip pixels to image pixels.</param>
    /// <param name="size">Side of the chips.</param>
    public static Tensor Sample(Tensor image, IReadOnlyList<SimilarityTransform> chipToImage, int size)
    {
        using var scope = NewDisposeScope();
        var levels = new List<Tensor> { image.unsqueeze(0) }; // [1, 3, H, W], then each level halved
        Tensor chips = empty(new long[] { chipToImage.Count, image.shape[0], size, size }, image.dtype, image.device);
        var plans = chipToImage.Select((transform, index) => (Index: index, Transform: transform, Plan: PlanOf(transform.Scale)));
        foreach (var group in plans.GroupBy(face => face.Plan))
        {
            (int level, int samples) = group.Key;
            while (levels.Count <= level)
                levels.Add(nn.functional.avg_pool2d(levels[^1], 2, 2));
            Tensor source = levels[level];
            long height = source.shape[2], width = source.shape[3];
            double[] thetas = group.SelectMany(face => Theta(face.Transform, size, level, width, height)).ToArray();
            long count = group.LongCount();
            Tensor theta = tensor(thetas, new long[] { count, 2, 3 }, ScalarType.Float64).to(image.dtype).to(image.device);
            long grid = (long)size * samples;
            Tensor sampling = nn.functional.affine_grid(theta, new long[] { count, source.shape[1], grid, grid }, align_corners: false);
            Tensor sampled = nn.functional.grid_sample(source.expand(count, -1, -1, -1), sampling,
                GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false); // [n, 3, S·k, S·k]
            if (samples > 1)
                sampled = nn.functional.avg_pool2d(sampled, samples, samples); // [n, 3, S, S]
            using Tensor indices = tensor(group.Select(face => (long)face.Index).ToArray(), device: image.device);
            chips.index_copy_(0, indices, sampled);
        }
        return chips.MoveToOuterDisposeScope();
    }

    /// <summary>The pyramid level and samples per axis for a chip whose pixels span <paramref name="scale"/> image pixels.</summary>
    private static (int Level, int Samples) PlanOf(double scale)
    {
        int level = 0;
        while (scale > MaxSupersampling)
        {
            scale /= 2;
            level++;
        }
        // Bilinear alone does not alias up to a shrink of two (dlib's chips are bilinear there too); supersampling
        // every slightly shrunk face would cost four samples per chip pixel for nothing.
        return (level, scale <= 2 ? 1 : (int)Math.Ceiling(scale - 1e-9));
    }

    /// <summary>
    /// <c>affine_grid</c>'s 2×3 matrix, from the output grid's normalized coordinates to the level image's: chip coordinate
    /// <c>c = (S/2)·g + S/2 − ½</c> whatever the supersampling, image coordinate <c>x = T(c)</c>, level coordinate
    /// <c>(x + ½)/2^L − ½</c>, normalized <c>(2·x_L + 1)/W_L − 1</c> (align_corners false).
    /// </summary>
    private static double[] Theta(SimilarityTransform transform, int size, int level, long width, long height)
    {
        double half = size / 2.0, offset = size / 2.0 - 0.5;
        double pyramid = Math.Pow(2, level);
        double fx = 2 / (pyramid * width), fy = 2 / (pyramid * height);
        (double a, double b) = (transform.A, transform.B);
        return
        [
            fx * a * half, -fx * b * half, fx * (a * offset - b * offset + transform.Tx + 0.5) - 1,
            fy * b * half, fy * a * half, fy * (b * offset + a * offset + transform.Ty + 0.5) - 1,
        ];
    }
}
