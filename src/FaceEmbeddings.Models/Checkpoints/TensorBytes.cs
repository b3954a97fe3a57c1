using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>Moves raw little-endian element bytes between streams and native tensor memory, with no per-element managed work.</summary>
internal static class TensorBytes
{
    /// <summary>Byte size of one element of <paramref name="type"/>.</summary>
    public static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        _ => throw new NotSupportedException($"Element type {type} is not supported."),
    };

    // Spans are int-indexed; larger tensors are moved in pieces of at most this many bytes.
    private const long MaxSpanBytes = 1L << 30;

    /// <summary>Fills a contiguous CPU tensor from <paramref name="stream"/>; throws <see cref="EndOfStreamException"/> when the stream ends early.</summary>
    public static void ReadInto(Tensor tensor, Stream stream) => ForEachSpan(tensor, span => stream.ReadExactly(span));

    /// <summary>Writes the elements of a contiguous CPU tensor to <paramref name="stream"/>.</summary>
    public static void WriteFrom(Tensor tensor, Stream stream) => ForEachSpan(tensor, span => stream.Write(span));

    /// <summary>
    /// Calls <paramref name="action"/> on successive spans over the native bytes of a contiguous CPU tensor, in order,
    /// each under 1 GiB, so that tensors of any size are read or written without copies.
    /// </summary>
    public static void ForEachSpan(Tensor tensor, Action<Span<byte>> action)
    {
        long count = tensor.NumberOfElements;
        if (count == 0) return;
        // Tensor.bytes is a span over the tensor's native storage.
        using Tensor flat = tensor.view(-1);
        long chunk = MaxSpanBytes / tensor.ElementSize;
        for (long start = 0; start < count; start += chunk)
        {
            using Tensor piece = flat.narrow(0, start, Math.Min(chunk, count - start));
            action(piece.bytes);
        }
    }
}
