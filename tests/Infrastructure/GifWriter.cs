using System.Buffers.Binary;

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>
/// A minimal GIF89a encoder for animated GIFs, which SkiaSharp cannot write: a 256-colour global palette and
/// full-canvas frames of palette indices. The LZW stream holds only literal codes and a clear code every
/// <see cref="LiteralsPerClear"/> literals, so the code width stays 9 bits and no string table is needed.
/// </summary>
public static class GifWriter
{
    private const int LiteralsPerClear = 250; // the decoder's table stays below 512 entries, the 9-bit limit
    private const int ClearCode = 256;
    private const int EndCode = 257;

    /// <summary>A looping animation of <paramref name="frames"/> (palette indices, row by row), 0.1 s each.</summary>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="palette">256 RGB triples.</param>
    /// <param name="frames">Palette indices per frame, row by row.</param>
    public static byte[] Encode(int width, int height, byte[] palette, IReadOnlyList<byte[]> frames)
    {
        if (palette.Length != 256 * 3) throw new ArgumentException("256 RGB entries.", nameof(palette));
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        WriteUInt16(gif, width);
        WriteUInt16(gif, height);
        gif.Write([0xF7, 0, 0]); // global colour table of 2^(7+1) entries, 8-bit colour resolution
        gif.Write(palette);
        gif.Write([0x21, 0xFF, 11, .. "NETSCAPE2.0"u8, 3, 1, 0, 0, 0]); // loop forever

        foreach (byte[] indices in frames)
        {
            if (indices.Length != width * height) throw new ArgumentException("Every frame covers the canvas.", nameof(frames));
            gif.Write([0x21, 0xF9, 4, 0x04, 10, 0, 0, 0]); // graphic control: keep the frame (disposal 1), 10 cs delay
            gif.WriteByte(0x2C);
            WriteUInt16(gif, 0);
            WriteUInt16(gif, 0);
            WriteUInt16(gif, width);
            WriteUInt16(gif, height);
            gif.WriteByte(0); // no local palette, not interlaced
            gif.WriteByte(8); // LZW minimum code size
            byte[] data = LiteralLzw(indices);
            for (int at = 0; at < data.Length; at += 255)
            {
                int length = Math.Min(255, data.Length - at);
                gif.WriteByte((byte)length);
                gif.Write(data, at, length);
            }
            gif.WriteByte(0);
        }
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    private static byte[] LiteralLzw(byte[] indices)
    {
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        void Emit(int code)
        {
            buffer |= code << bits;
            for (bits += 9; bits >= 8; bits -= 8, buffer >>= 8)
                output.Add((byte)buffer);
        }

        for (int i = 0; i < indices.Length; i++)
        {
            if (i % LiteralsPerClear == 0)
                Emit(ClearCode);
            Emit(indices[i]);
        }
        Emit(EndCode);
        if (bits > 0)
            output.Add((byte)buffer);
        return [.. output];
    }

    private static void WriteUInt16(Stream stream, int value)
    {
        byte[] bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
        stream.Write(bytes);
    }
}
