using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Runtime;

/// <summary>
/// How a network computes in a reduced-precision element type such as bfloat16: every stage after the first is
/// converted; the first stage (the input convolution) keeps the source type, and so do the layers the network holds
/// outside its stages (its final products).
/// </summary>
internal static class ReducedPrecision
{
    /// <summary>Checks that <paramref name="computeType"/> can be computed in.</summary>
    /// <param name="computeType">The requested element type.</param>
    /// <param name="parameterName">Its name in the caller, for the exception.</param>
    /// <exception cref="ArgumentException"><paramref name="computeType"/> is not a floating-point type.</exception>
    public static void Require(ScalarType computeType, string parameterName)
    {
        if (!is_floating_point(computeType))
            throw new ArgumentException($"The compute type must be a floating-point type such as Float32 or BFloat16; got {computeType}.", parameterName);
    }

    /// <summary>Converts every stage of <paramref name="stages"/> but the first to <paramref name="computeType"/> (checked with <see cref="Require"/>).</summary>
    /// <param name="stages">The network's stages, in order; the first is the convolution that reads the input.</param>
    /// <param name="computeType">A floating-point element type.</param>
    public static void ConvertAllButFirst(IEnumerable<nn.Module> stages, ScalarType computeType)
    {
        // The first convolution stays in the source type: it is a sliver of InceptionResnetV1's work, yet rounding it to
        // bfloat16 causes a large share of the bfloat16 embedding error.
        foreach (nn.Module stage in stages.Skip(1)) stage.to(computeType);
    }
}
