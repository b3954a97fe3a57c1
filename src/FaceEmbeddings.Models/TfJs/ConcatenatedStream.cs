namespace FaceEmbeddings.Models.TfJs;

/// <summary>Reads a list of streams one after another, as TF.js concatenates the shards of a weight group.</summary>
internal sealed class ConcatenatedStream(IReadOnlyList<Stream> parts) : Stream
{
    private int current;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (current < parts.Count)
        {
            int read = parts[current].Read(buffer);
            if (read > 0 || buffer.IsEmpty) return read;
            current++;
        }
        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
