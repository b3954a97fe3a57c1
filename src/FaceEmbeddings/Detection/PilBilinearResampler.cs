namespace FaceEmbeddings.Detection;

/// <summary>
/// PIL's <c>Image.resize(size, Image.BILINEAR)</c> for 8-bit RGB, reproduced exactly: a separable triangle
/// filter whose support widens with the scale when shrinking (so it antialiases), PIL's pixel-centre
/// coordinates and window rounding, weights in 22-bit fixed point, a horizontal pass rounded to 8 bits,
/// then a vertical pass.
/// </summary>
/// <remarks>Crops are small (a few hundred pixels a side), so a tight integer loop over the bytes is both
/// exact and faster than tensor round trips.</remarks>
internal static class PilBilinearResampler
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const int Half = 1 << (PrecisionBits - 1);

    /// <summary>Resizes the crop [left, right) × [top, bottom) of an RGB image to <paramref name="outWidth"/> ×
    /// <paramref name="outHeight"/>.</summary>
    /// <param name="rgb">The image, interleaved RGB rows of <paramref name="imageWidth"/> pixels.</param>
    /// <param name="imageWidth">The image's width in pixels.</param>
    /// <param name="left">First column of the crop.</param>
    /// <param name="top">First row of the crop.</param>
    /// <param name="right">Column after the crop.</param>
    /// <param name="bottom">Row after the crop.</param>
    /// <param name="outWidth">Width of the result.</param>
    /// <param name="outHeight">Height of the result.</param>
    /// <returns>The resized crop, interleaved RGB, <paramref name="outHeight"/> rows of <paramref name="outWidth"/> pixels.</returns>
    public static byte[] ResizeCrop(byte[] rgb, int imageWidth, int left, int top, int right, int bottom, int outWidth, int outHeight)
    {
        int cropWidth = right - left, cropHeight = bottom - top;
        byte[] rows = new byte[cropHeight * outWidth * 3];
        if (outWidth != cropWidth)
        {
            Filter horizontal = Filter.Create(cropWidth, outWidth);
            for (int y = 0; y < cropHeight; y++)
            {
                int sourceRow = ((top + y) * imageWidth + left) * 3;
                for (int x = 0; x < outWidth; x++)
                {
                    (int first, int count, int weights) = horizontal.Window(x);
                    int r = Half, g = Half, b = Half;
                    for (int k = 0; k < count; k++)
                    {
                        int pixel = sourceRow + (first + k) * 3;
                        int weight = horizontal.Weights[weights + k];
                        r += rgb[pixel] * weight;
                        g += rgb[pixel + 1] * weight;
                        b += rgb[pixel + 2] * weight;
                    }
                    int target = (y * outWidth + x) * 3;
                    rows[target] = Clip(r);
                    rows[target + 1] = Clip(g);
                    rows[target + 2] = Clip(b);
                }
            }
        }
        else
        {
            for (int y = 0; y < cropHeight; y++)
                Array.Copy(rgb, ((top + y) * imageWidth + left) * 3, rows, y * outWidth * 3, outWidth * 3);
        }

        if (outHeight == cropHeight) return rows;

        byte[] result = new byte[outHeight * outWidth * 3];
        Filter vertical = Filter.Create(cropHeight, outHeight);
        int rowLength = outWidth * 3;
        for (int y = 0; y < outHeight; y++)
        {
            (int first, int count, int weights) = vertical.Window(y);
            for (int i = 0; i < rowLength; i++)
            {
                int sum = Half;
                for (int k = 0; k < count; k++)
                    sum += rows[(first + k) * rowLength + i] * vertical.Weights[weights + k];
                result[y * rowLength + i] = Clip(sum);
            }
        }
        return result;
    }

    private static byte Clip(int value) =>
        value >= (1 << PrecisionBits << 8) ? (byte)255 : value <= 0 ? (byte)0 : (byte)(value >> PrecisionBits);

    /// <summary>The fixed-point weights of one axis, as PIL's <c>precompute_coeffs</c> and
    /// <c>normalize_coeffs_8bpc</c> compute them.</summary>
    private sealed class Filter
    {
        private Filter(int[] first, int[] count, int[] weights, int taps)
        {
            First = first;
            Count = count;
            Weights = weights;
            Taps = taps;
        }

        public int[] First { get; }

        public int[] Count { get; }

        public int[] Weights { get; }

        public int Taps { get; }

        public (int First, int Count, int WeightOffset) Window(int output) => (First[output], Count[output], output * Taps);

        public static Filter Create(int inSize, int outSize)
        {
            double scale = (double)inSize / outSize;
            double filterScale = Math.Max(scale, 1.0);
            double support = filterScale; // the triangle's support is 1, widened when shrinking
            double inverseScale = 1.0 / filterScale;
            int taps = (int)Math.Ceiling(support) * 2 + 1;

            int[] first = new int[outSize], count = new int[outSize], weights = new int[outSize * taps];
            double[] raw = new double[taps];
            for (int output = 0; output < outSize; output++)
            {
                double center = (output + 0.5) * scale;
                int min = Math.Max((int)(center - support + 0.5), 0);
                int max = Math.Min((int)(center + support + 0.5), inSize) - min;
                double total = 0;
                for (int k = 0; k < max; k++)
                {
                    double distance = Math.Abs((k + min - center + 0.5) * inverseScale);
                    raw[k] = distance < 1.0 ? 1.0 - distance : 0.0;
                    total += raw[k];
                }
                for (int k = 0; k < max; k++)
                {
                    double weight = total != 0.0 ? raw[k] / total : raw[k];
                    weights[output * taps + k] = weight < 0
                        ? (int)(-0.5 + weight * (1 << PrecisionBits))
                        : (int)(0.5 + weight * (1 << PrecisionBits));
                }
                first[output] = min;
                count[output] = max;
            }
            return new Filter(first, count, weights, taps);
        }
    }
}
