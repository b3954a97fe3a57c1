using System.Buffers.Binary;

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>
/// A minimal baseline JPEG encoder for kinds of JPEG that SkiaSharp cannot write, such as CMYK (4 components, Adobe
/// APP14 marker, stored inverted as Photoshop writes it). No chroma subsampling, a quantization table of ones (so the
/// only loss is DCT rounding, about one level), and flat Huffman tables (every DC category a 4-bit code, every AC
/// run/size symbol an 8-bit code) that any decoder accepts.
/// </summary>
public static class BaselineJpegWriter
{
    private static readonly int[] ZigZag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    /// <summary>AC symbols in code order: end-of-block, sixteen zeros, then every (run, size) pair; symbol i has 8-bit code i.</summary>
    private static readonly byte[] AcSymbols =
        [0x00, 0xF0, .. Enumerable.Range(0, 16).SelectMany(run => Enumerable.Range(1, 10).Select(size => (byte)((run << 4) | size)))];

    private static readonly double[,] Cosines = CosineTable();

    /// <summary>
    /// Encodes interleaved 8-bit samples (<paramref name="components"/> per pixel, row by row). With 4 components the
    /// file is an Adobe CMYK JPEG: store 255 − ink, as Photoshop does.
    /// </summary>
    public static byte[] Encode(byte[] samples, int width, int height, int components)
    {
        if (components is not (1 or 4)) throw new ArgumentOutOfRangeException(nameof(components), "Grey (1) or CMYK (4).");
        if (samples.Length != width * height * components) throw new ArgumentException("Wrong sample count.", nameof(samples));

        using var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]);
        if (components == 4)
            WriteSegment(jpeg, 0xEE, [.. "Adobe"u8, 0x00, 0x64, 0, 0, 0, 0, 0]); // version 100, no flags, transform 0: plain CMYK
        WriteSegment(jpeg, 0xDB, [0x00, .. Enumerable.Repeat((byte)1, 64)]);

        var frame = new List<byte> { 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, (byte)components };
        for (int c = 1; c <= components; c++) frame.AddRange([(byte)c, 0x11, 0]);
        WriteSegment(jpeg, 0xC0, [.. frame]);

        byte[] dcCounts = new byte[16];
        dcCounts[3] = 12;
        byte[] acCounts = new byte[16];
        acCounts[7] = (byte)AcSymbols.Length;
        WriteSegment(jpeg, 0xC4, [0x00, .. dcCounts, .. Enumerable.Range(0, 12).Select(i => (byte)i), 0x10, .. acCounts, .. AcSymbols]);

        var scan = new List<byte> { (byte)components };
        for (int c = 1; c <= components; c++) scan.AddRange([(byte)c, 0x00]);
        scan.AddRange([0, 63, 0]);
        WriteSegment(jpeg, 0xDA, [.. scan]);

        var bits = new BitWriter(jpeg);
        int[] predictions = new int[components];
        double[] block = new double[64];
        for (int by = 0; by < (height + 7) / 8; by++)
        {
            for (int bx = 0; bx < (width + 7) / 8; bx++)
            {
                for (int c = 0; c < components; c++)
                {
                    for (int y = 0; y < 8; y++)
                    {
                        for (int x = 0; x < 8; x++)
                        {
                            // Edge blocks repeat the last row and column, as encoders do.
                            int sx = Math.Min(bx * 8 + x, width - 1), sy = Math.Min(by * 8 + y, height - 1);
                            block[y * 8 + x] = samples[(sy * width + sx) * components + c] - 128;
                        }
                    }
                    EncodeBlock(Transform(block), ref predictions[c], bits);
                }
            }
        }
        bits.Flush();
        jpeg.Write([0xFF, 0xD9]);
        return jpeg.ToArray();
    }

    /// <summary>The 2-D DCT-II of a level-shifted 8×8 block, rounded (quantization by one).</summary>
    private static int[] Transform(double[] block)
    {
        int[] coefficients = new int[64];
        for (int v = 0; v < 8; v++)
        {
            for (int u = 0; u < 8; u++)
            {
                double sum = 0;
                for (int y = 0; y < 8; y++)
                    for (int x = 0; x < 8; x++)
                        sum += block[y * 8 + x] * Cosines[x, u] * Cosines[y, v];
                double cu = u == 0 ? Math.Sqrt(0.5) : 1, cv = v == 0 ? Math.Sqrt(0.5) : 1;
                coefficients[v * 8 + u] = (int)Math.Round(0.25 * cu * cv * sum);
            }
        }
        return coefficients;
    }

    private static void EncodeBlock(int[] coefficients, ref int prediction, BitWriter bits)
    {
        int difference = coefficients[0] - prediction;
        prediction = coefficients[0];
        int category = Category(difference);
        bits.Write(category, 4);
        bits.WriteValue(difference, category);

        int run = 0;
        for (int k = 1; k < 64; k++)
        {
            int value = coefficients[ZigZag[k]];
            if (value == 0)
            {
                run++;
                continue;
            }
            for (; run > 15; run -= 16)
                bits.Write(Array.IndexOf(AcSymbols, (byte)0xF0), 8);
            int size = Category(value);
            bits.Write(Array.IndexOf(AcSymbols, (byte)((run << 4) | size)), 8);
            bits.WriteValue(value, size);
            run = 0;
        }
        if (run > 0)
            bits.Write(Array.IndexOf(AcSymbols, (byte)0x00), 8);
    }

    /// <summary>The number of bits of |value| (JPEG's magnitude category).</summary>
    private static int Category(int value) => value == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(value));

    private static void WriteSegment(Stream jpeg, byte marker, byte[] payload)
    {
        jpeg.Write([0xFF, marker]);
        byte[] length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)(payload.Length + 2));
        jpeg.Write(length);
        jpeg.Write(payload);
    }

    private static double[,] CosineTable()
    {
        var table = new double[8, 8];
        for (int x = 0; x < 8; x++)
            for (int u = 0; u < 8; u++)
                table[x, u] = Math.Cos((2 * x + 1) * u * Math.PI / 16);
        return table;
    }

    /// <summary>Writes bits most significant first, stuffing a zero byte after every 0xFF.</summary>
    private sealed class BitWriter(Stream output)
    {
        private int buffer;
        private int count;

        public void Write(int code, int length)
        {
            for (int bit = length - 1; bit >= 0; bit--)
            {
                buffer = (buffer << 1) | ((code >> bit) & 1);
                if (++count == 8)
                    Emit();
            }
        }

        /// <summary>The <paramref name="size"/> low bits of a coefficient; negative values as value − 1 (JPEG's one's complement).</summary>
        public void WriteValue(int value, int size) => Write(value < 0 ? value - 1 : value, size);

        /// <summary>Pads the last byte with ones.</summary>
        public void Flush()
        {
            while (count != 0)
                Write(1, 1);
        }

        private void Emit()
        {
            output.WriteByte((byte)buffer);
            if (buffer == 0xFF)
                output.WriteByte(0);
            buffer = 0;
            count = 0;
        }
    }
}
