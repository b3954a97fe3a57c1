namespace FaceEmbeddings.Models.TfJs;

/// <summary>One group of a TF.js weights manifest: shard files whose concatenated bytes hold the weights in order.</summary>
/// <param name="Paths">The shard files, relative to the manifest's folder, in the order their bytes are concatenated.</param>
/// <param name="Weights">The tensors, in the order their bytes follow each other.</param>
internal sealed record TfJsWeightGroup(IReadOnlyList<string> Paths, IReadOnlyList<TfJsWeightSpec> Weights)
{
    /// <summary>Bytes the group's tensors take together (what the shards must hold).</summary>
    public long ByteCount => Weights.Sum(weight => weight.ByteCount);
}
