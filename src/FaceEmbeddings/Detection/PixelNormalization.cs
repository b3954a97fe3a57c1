using FaceEmbeddings.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Detection;

/// <summary>An affine map applied to pixel values, <c>(value − Offset) × Scale</c>, in float32 in that order.
/// The one place that knows facenet-pytorch's standardization; every crop, encoder input and report goes through it.</summary>
/// <param name="Offset">Subtracted first.</param>
/// <param name="Scale">Multiplied second.</param>
internal readonly record struct PixelNormalization(float Offset, float Scale)
{
    /// <summary>
    /// Largest absolute value an encoder accepts in a standardized crop. <c>(x − 127.5) / 128</c> stays within ±1 and
    /// per-image whitened crops within a few units, while raw 0..255 pixels exceed it unless the crop is almost black.
    /// </summary>
    public const float StandardizedLimit = 8f;

    /// <summary>Leaves values as they are: subtracting 0 and multiplying by 1 are exact.</summary>
    public static PixelNormalization None => new(0f, 1f);

    /// <summary>
    /// facenet-pytorch's <c>fixed_image_standardization</c>, <c>(x − 127.5) / 128</c>: the crops' post-processing, the
    /// encoder's input and MTCNN's network input. Multiplying by 0.0078125 equals dividing by 128 exactly (a power of two).
    /// </summary>
    public static PixelNormalization Standardized => new(127.5f, 0.0078125f);

    /// <summary>The map applied to one value.</summary>
    public float Apply(float value) => (value - Offset) * Scale;

    /// <summary>The map applied to a floating-point tensor: a new tensor in the caller's dispose scope.</summary>
    public Tensor Apply(Tensor values)
    {
        using Scalar offset = Offset.ToScalar();
        using Scalar scale = Scale.ToScalar();
        return values.sub(offset).mul_(scale);
    }

    /// <summary>The inverse map, <c>value / Scale + Offset</c>, applied to a floating-point tensor.</summary>
    public Tensor Invert(Tensor values)
    {
        using Scalar offset = Offset.ToScalar();
        using Scalar scale = Scale.ToScalar();
        return values.div(scale).add_(offset, TorchScalars.One);
    }
}
