namespace FaceEmbeddings.Models.TfJs;

/// <summary>One tensor of a TF.js weights manifest: where its bytes lie in the group's shards and how to decode them.</summary>
/// <param name="Name">The tensor's name, e.g. <c>conv32_down/conv/filters</c>.</param>
/// <param name="Shape">Its dimensions.</param>
/// <param name="ElementCount">The product of <paramref name="Shape"/>.</param>
/// <param name="Encoding">How each element is stored.</param>
/// <param name="Scale">Quantization step (<c>value = Min + Scale × q</c>); 1 when not quantized to integers.</param>
/// <param name="Min">Quantization offset; 0 when not quantized to integers.</param>
internal sealed record TfJsWeightSpec(string Name, long[] Shape, long ElementCount, TfJsElementEncoding Encoding, double Scale, double Min)
{
    /// <summary>Bytes the tensor takes in the shards.</summary>
    public long ByteCount => ElementCount * Encoding.BytesPerElement();
}
