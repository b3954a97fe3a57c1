using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Runtime;

/// <summary>
/// Scalars for TorchSharp calls that stay alive for the whole native call. TorchSharp 0.107 turns a number passed
/// where it takes a <see cref="Scalar"/> (<c>t * 2.0f</c>, <c>t.add(1)</c>) into a new Scalar and hands libtorch
/// its handle without keeping the object alive, so a garbage collection during the call can finalize it and libtorch
/// reads freed memory ("Unknown scalar type", TorchSharp PRs #1434 and #1496). It does the same inside some of its own
/// methods: <c>a + b</c> on two tensors is <c>add(b, 1)</c>. Library code therefore declares its Scalars with
/// <c>using</c> (<c>using Scalar two = 2;</c>), which keeps them alive to the end of the block, or uses the ones here.
/// <c>ScalarSafetyTests</c> fails on any other.
/// </summary>
internal static class TorchScalars
{
    /// <summary>
    /// The integer 1, made once and never disposed: the static field keeps it alive for the life of the process,
    /// and libtorch only reads a Scalar, so every thread may pass it at once.
    /// </summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary><paramref name="left"/> + <paramref name="right"/>, without the Scalar that <c>Tensor.add(Tensor)</c> makes for its alpha.</summary>
    public static Tensor Plus(this Tensor left, Tensor right) => left.add(right, One);

    /// <summary><paramref name="left"/> += <paramref name="right"/> in place, without the Scalar that <c>Tensor.add_(Tensor)</c> makes.</summary>
    public static Tensor PlusInPlace(this Tensor left, Tensor right) => left.add_(right, One);

    /// <summary><paramref name="left"/> + <paramref name="right"/> for a Scalar, without the Scalar that <c>Tensor.add(Scalar)</c> makes for its alpha.</summary>
    public static Tensor Plus(this Tensor left, Scalar right) => left.add(right, One);

    /// <summary>The value of a one-element tensor as a double (<c>Tensor.ToDouble()</c> drops the Scalar it reads through).</summary>
    public static double ToDoubleValue(this Tensor value)
    {
        using Tensor wide = value.to(ScalarType.Float64);
        return wide.item<double>();
    }
}
