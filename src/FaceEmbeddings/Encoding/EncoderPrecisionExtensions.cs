using static TorchSharp.torch;

namespace FaceEmbeddings.Encoding;

/// <summary>What an <see cref="EncoderPrecision"/> means to the encoders that take one.</summary>
internal static class EncoderPrecisionExtensions
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="settingName"/> when <paramref name="precision"/> is not a defined value.</summary>
    public static void Validate(this EncoderPrecision precision, string settingName)
    {
        if (!Enum.IsDefined(precision))
            throw new ArgumentOutOfRangeException(settingName, precision, $"{settingName} must be {EncoderPrecision.Full} or {EncoderPrecision.BFloat16}.");
    }

    /// <summary>The element type the encoder's convolutions compute in.</summary>
    public static ScalarType ComputeType(this EncoderPrecision precision) => precision switch
    {
        EncoderPrecision.Full => ScalarType.Float32,
        EncoderPrecision.BFloat16 => ScalarType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, $"Unknown encoder precision {precision}."),
    };
}
