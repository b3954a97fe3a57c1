namespace FaceEmbeddings.Detection;

/// <summary>An affine map applied to resampled values, <c>(value − Offset) × Scale</c>, in float32 in that order.</summary>
/// <param name="Offset">Subtracted first.</param>
/// <param name="Scale">Multiplied second.</param>
internal readonly record struct PixelNormalization(float Offset, float Scale)
{
    /// <summary>Leaves values as they are: subtracting 0 and multiplying by 1 are exact.</summary>
    public static PixelNormalization None => new(0f, 1f);

    /// <summary>MTCNN's network input, as facenet-pytorch computes it: <c>(x − 127.5) × 0.0078125</c> after resampling.</summary>
    public static PixelNormalization Mtcnn => new(127.5f, 0.0078125f);
}
