namespace FaceEmbeddings.Models.TfJs;

/// <summary>How the elements of a TF.js weight are stored in its shard.</summary>
internal enum TfJsElementEncoding
{
    /// <summary>Little-endian IEEE float32 (<c>dtype: float32</c>, no quantization).</summary>
    Float32,

    /// <summary>Little-endian int32 (<c>dtype: int32</c>, no quantization).</summary>
    Int32,

    /// <summary>One unsigned byte q per float32 value <c>min + scale × q</c> (<c>quantization.dtype: uint8</c>).</summary>
    Uint8,

    /// <summary>A little-endian uint16 q per float32 value <c>min + scale × q</c> (<c>quantization.dtype: uint16</c>).</summary>
    Uint16,

    /// <summary>A little-endian IEEE half per float32 value (<c>quantization.dtype: float16</c>).</summary>
    Float16,
}

/// <summary>Sizes of <see cref="TfJsElementEncoding"/>.</summary>
internal static class TfJsElementEncodingExtensions
{
    /// <summary>Bytes one stored element takes.</summary>
    public static int BytesPerElement(this TfJsElementEncoding encoding) => encoding switch
    {
        TfJsElementEncoding.Uint8 => 1,
        TfJsElementEncoding.Uint16 or TfJsElementEncoding.Float16 => 2,
        _ => 4,
    };
}
