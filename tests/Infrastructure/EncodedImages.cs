using System.Buffers.Binary;
using System.IO.Compression;

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>
/// Builds small encoded images byte by byte (PNG chunks, BMP headers, JPEG EXIF segments), so tests can
/// exercise formats and fields that SkiaSharp's encoders do not write.
/// </summary>
public static class EncodedImages
{
    /// <summary>PNG colour types (PNG specification, IHDR).</summary>
    public enum PngColor : byte
    {
        Grey = 0,
        Rgb = 2,
        Palette = 3,
        GreyAlpha = 4,
        Rgba = 6,
    }

    /// <summary>A PNG of the given colour type and bit depth; <paramref name="samples"/> holds each row's
    /// samples (big-endian for 16 bit) without the filter byte.</summary>
    public static byte[] Png(int width, int height, PngColor color, int bitDepth, byte[] samples,
                             byte[]? palette = null, byte[]? transparency = null)
    {
        int rowBytes = samples.Length / height;
        using var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            raw.Write(samples, y * rowBytes, rowBytes);
        }
        byte[] compressed;
        using (var buffer = new MemoryStream())
        {
            using (var zlib = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
                zlib.Write(raw.ToArray());
            compressed = buffer.ToArray();
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth;
        header[9] = (byte)color;

        using var png = new MemoryStream();
        png.Write(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
        WriteChunk(png, "IHDR", header);
        if (palette != null) WriteChunk(png, "PLTE", palette);
        if (transparency != null) WriteChunk(png, "tRNS", transparency);
        WriteChunk(png, "IDAT", compressed);
        WriteChunk(png, "IEND", Array.Empty<byte>());
        return png.ToArray();
    }

    /// <summary>A PNG whose header claims <paramref name="width"/> × <paramref name="height"/> RGB pixels while its
    /// data holds one: anything that decodes pixels before checking the size fails on it.</summary>
    public static byte[] PngClaimingSize(int width, int height)
    {
        byte[] png = Png(1, 1, PngColor.Rgb, 8, new byte[3]);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);  // IHDR data starts after signature, length, type
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        return png;
    }

    /// <summary>A 24-bit bottom-up BMP of interleaved RGB pixels.</summary>
    public static byte[] Bmp24(int width, int height, byte[] rgb)
    {
        int stride = (width * 3 + 3) & ~3;
        var bmp = new byte[54 + stride * height];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * stride;
            for (int x = 0; x < width; x++)
            {
                int source = (y * width + x) * 3;
                bmp[row + x * 3] = rgb[source + 2];
                bmp[row + x * 3 + 1] = rgb[source + 1];
                bmp[row + x * 3 + 2] = rgb[source];
            }
        }
        return bmp;
    }

    /// <summary><paramref name="jpeg"/> with an EXIF APP1 segment carrying <paramref name="orientation"/> (1–8)
    /// inserted right after the start-of-image marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        if (jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw new ArgumentException("Not a JPEG.", nameof(jpeg));
        using var tiff = new MemoryStream();
        tiff.Write("II*\0"u8);                       // little-endian TIFF header
        tiff.Write(LittleEndian(8u));                 // IFD0 right after the header
        tiff.Write(LittleEndian((ushort)1));          // one entry
        tiff.Write(LittleEndian((ushort)0x0112));     // Orientation
        tiff.Write(LittleEndian((ushort)3));          // SHORT
        tiff.Write(LittleEndian(1u));                 // count
        tiff.Write(LittleEndian(orientation));
        tiff.Write(new byte[2]);                      // value padding
        tiff.Write(LittleEndian(0u));                 // no next IFD

        byte[] payload = [.. "Exif\0\0"u8, .. tiff.ToArray()];
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    private static byte[] LittleEndian(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] LittleEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    /// <summary>The CRC-32 (polynomial 0xEDB88320) PNG chunks carry.</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte value in data)
        {
            crc ^= value;
            for (int bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
