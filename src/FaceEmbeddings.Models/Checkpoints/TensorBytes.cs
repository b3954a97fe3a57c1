using TorchSharp;
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

    /// <summary>Fills a contiguous CPU tensor from <paramref name="stream"/>; throws <see cref="EndOfStreamException"/> when the stream ends early.</summary>
    public static void ReadInto(Tensor tensor, Stream stream)
    {
        if (tensor.NumberOfElements == 0) return;
        // Tensor.bytes is a span over the tensor's native storage, so the stream reads straight into it.
        stream.ReadExactly(tensor.bytes);
    }

    /// <summary>Writes the elements of a contiguous CPU tensor to <paramref name="stream"/>.</summary>
    public static void WriteFrom(Tensor tensor, Stream stream)
    {
        if (tensor.NumberOfElements == 0) return;
        stream.Write(tensor.bytes);
    }
}
