using System.Buffers.Binary;
using System.Text;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// Buffered, bounds-checked reading of a checkpoint's bytes. Every read first checks the bytes left, so a
/// header can never make the reader allocate or wait for more than the input holds, and every failure is
/// a <see cref="CheckpointFormatException"/> that names <see cref="Source"/>.
/// </summary>
internal sealed class CheckpointInput
{
    private const int BufferSize = 1 << 16;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream stream;
    private readonly byte[] buffer = new byte[BufferSize];
    private int start;
    private int end;
    private long unbuffered;

    /// <summary>Reads the next <paramref name="length"/> bytes of <paramref name="stream"/>.</summary>
    /// <param name="stream">The input, positioned at its first byte.</param>
    /// <param name="length">How many bytes the input holds from the current position.</param>
    /// <param name="source">How messages name the input, e.g. <c>'/path/pnet.pt'</c>.</param>
    public CheckpointInput(Stream stream, long length, string source)
    {
        this.stream = stream;
        unbuffered = length;
        Length = length;
        Source = source;
    }

    /// <summary>How messages name the input.</summary>
    public string Source { get; }

    /// <summary>The total number of bytes of the input.</summary>
    public long Length { get; }

    /// <summary>Bytes not yet consumed.</summary>
    public long Remaining => unbuffered + (end - start);

    /// <summary>Bytes consumed so far.</summary>
    public long Position => Length - Remaining;

    /// <summary>An exception that says <paramref name="detail"/> about <see cref="Source"/>.</summary>
    public CheckpointFormatException Error(string detail) => new($"{Source}: {detail}");

    /// <summary>An exception that says <paramref name="detail"/> about <see cref="Source"/>, caused by <paramref name="inner"/>.</summary>
    public CheckpointFormatException Error(string detail, Exception inner) => new($"{Source}: {detail}", inner);

    /// <summary>Throws unless <paramref name="count"/> more bytes are available for <paramref name="what"/>.</summary>
    public void Require(long count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            throw Error($"{what} needs {count} bytes at offset {Position} but only {Remaining} remain "
                + "(the file is truncated or a header is corrupt).");
        }
    }

    /// <summary>Reads one byte.</summary>
    public byte ReadByte(string what)
    {
        if (start == end)
            Fill(1, what);
        return buffer[start++];
    }

    /// <summary>Reads a little-endian unsigned 16-bit integer.</summary>
    public ushort ReadUInt16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(ReadSmall(2, what));

    /// <summary>Reads a little-endian signed 32-bit integer.</summary>
    public int ReadInt32(string what) => BinaryPrimitives.ReadInt32LittleEndian(ReadSmall(4, what));

    /// <summary>Reads a little-endian unsigned 32-bit integer.</summary>
    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(ReadSmall(4, what));

    /// <summary>Reads a little-endian signed 64-bit integer.</summary>
    public long ReadInt64(string what) => BinaryPrimitives.ReadInt64LittleEndian(ReadSmall(8, what));

    /// <summary>Reads a big-endian IEEE double (pickle's <c>BINFLOAT</c> layout).</summary>
    public double ReadDoubleBigEndian(string what) => BinaryPrimitives.ReadDoubleBigEndian(ReadSmall(8, what));

    /// <summary>Reads <paramref name="count"/> bytes (at most the buffer size); valid until the next read.</summary>
    public ReadOnlySpan<byte> ReadSmall(int count, string what)
    {
        if (end - start < count)
            Fill(count, what);
        var span = buffer.AsSpan(start, count);
        start += count;
        return span;
    }

    /// <summary>Reads <paramref name="count"/> bytes into a new array, after checking that they exist.</summary>
    public byte[] ReadArray(long count, string what)
    {
        Require(count, what);
        var bytes = new byte[count];
        ReadInto(bytes, what);
        return bytes;
    }

    /// <summary>Reads <paramref name="count"/> bytes of UTF-8 text, after checking that they exist.</summary>
    public string ReadUtf8(long count, string what)
    {
        Require(count, what);
        try
        {
            return count <= BufferSize
                ? StrictUtf8.GetString(ReadSmall((int)count, what))
                : StrictUtf8.GetString(ReadArray(count, what));
        }
        catch (DecoderFallbackException e)
        {
            throw Error($"{what} is not valid UTF-8.", e);
        }
    }

    /// <summary>Reads <paramref name="count"/> bytes of Latin-1 text (Python 2 <c>str</c>), after checking that they exist.</summary>
    public string ReadLatin1(long count, string what)
    {
        Require(count, what);
        return count <= BufferSize
            ? Encoding.Latin1.GetString(ReadSmall((int)count, what))
            : Encoding.Latin1.GetString(ReadArray(count, what));
    }

    /// <summary>Reads ASCII text up to a newline of at most <paramref name="maxLength"/> characters.</summary>
    public string ReadLine(int maxLength, string what)
    {
        var line = new StringBuilder();
        for (byte b = ReadByte(what); b != (byte)'\n'; b = ReadByte(what))
        {
            if (b is < 0x20 or > 0x7e || line.Length == maxLength)
                throw Error($"{what} at offset {Position} is not a line of at most {maxLength} printable ASCII characters.");
            line.Append((char)b);
        }
        return line.ToString();
    }

    /// <summary>Fills <paramref name="destination"/> exactly.</summary>
    public void ReadInto(Span<byte> destination, string what)
    {
        Require(destination.Length, what);
        int buffered = Math.Min(destination.Length, end - start);
        buffer.AsSpan(start, buffered).CopyTo(destination);
        start += buffered;
        var rest = destination[buffered..];
        if (rest.IsEmpty)
            return;
        if (rest.Length < BufferSize)
        {
            Fill(rest.Length, what);
            buffer.AsSpan(start, rest.Length).CopyTo(rest);
            start += rest.Length;
            return;
        }
        // Large reads bypass the buffer: the bytes go straight from the stream to their destination.
        try
        {
            stream.ReadExactly(rest);
        }
        catch (EndOfStreamException e)
        {
            throw Error($"the data ended early while reading {what} (the stream is shorter than its declared length).", e);
        }
        unbuffered -= rest.Length;
    }

    /// <summary>Fills the contiguous <paramref name="storage"/> tensor with the next bytes.</summary>
    public void ReadInto(Tensor storage, string what) => TensorBytes.ForEachSpan(storage, span => ReadInto(span, what));

    private void Fill(int needed, string what)
    {
        Require(needed, what);
        int buffered = end - start;
        Array.Copy(buffer, start, buffer, 0, buffered);
        start = 0;
        end = buffered;
        while (end < needed)
        {
            int wanted = (int)Math.Min(BufferSize - end, unbuffered);
            int read = stream.Read(buffer, end, wanted);
            if (read == 0)
                throw Error($"the data ended early while reading {what} (the stream is shorter than its declared length).");
            end += read;
            unbuffered -= read;
        }
    }
}
