using FaceEmbeddings.Detection;
using static TorchSharp.torch;

namespace FaceEmbeddings.Encoding;

/// <summary>What every encoder does with a list of crops: check them, then embed them in bounded batches.</summary>
internal static class CropBatches
{
    /// <summary>Embeds <paramref name="crops"/> at most <paramref name="maxBatchSize"/> at a time.</summary>
    /// <param name="crops">The crops; all of one size.</param>
    /// <param name="expected">The encoder's geometry: crops that record another alignment are refused.</param>
    /// <param name="maxBatchSize">The most crops one batch holds.</param>
    /// <param name="embeddingSize">D, for the N×D result of an empty list.</param>
    /// <param name="device">Where the result lives.</param>
    /// <param name="prepare">A crop as the 3×S×S input <paramref name="embed"/> takes, on <paramref name="device"/>.</param>
    /// <param name="embed">Embeds a B×3×S×S batch.</param>
    /// <returns>N×D.</returns>
    /// <exception cref="ArgumentException">A crop is null or disposed, or the crops differ in size.</exception>
    /// <exception cref="CropGeometryMismatchException">A crop was cut with another alignment than <paramref name="expected"/>.</exception>
    public static Tensor Embed(IReadOnlyList<FaceCrop> crops, FaceCropGeometry expected, int maxBatchSize, int embeddingSize, Device device,
        Func<FaceCrop, Tensor> prepare, Func<Tensor, Tensor> embed)
    {
        for (int i = 0; i < crops.Count; i++)
        {
            if (crops[i] is null)
                throw new ArgumentException($"crops[{i}] is null.", nameof(crops));
            if (crops[i].Pixels.IsInvalid)
                throw new ArgumentException($"crops[{i}] has been disposed.", nameof(crops));
            if (crops[i].Size != crops[0].Size)
                throw new ArgumentException($"All crops must have the same size: crops[0] is {crops[0].Size}×{crops[0].Size}, crops[{i}] is {crops[i].Size}×{crops[i].Size}.", nameof(crops));
            if (crops[i].Geometry is { } geometry && !Equals(geometry.Alignment, expected.Alignment))
                throw new CropGeometryMismatchException(expected, geometry, $"crops[{i}]");
        }

        using var scope = NewDisposeScope();
        var embeddings = new List<Tensor>();
        for (int start = 0; start < crops.Count; start += maxBatchSize)
        {
            using var batchScope = NewDisposeScope();
            Tensor batch = stack(crops.Skip(start).Take(maxBatchSize).Select(prepare), 0); // B×3×S×S
            embeddings.Add(embed(batch).MoveToOuterDisposeScope());                        // B×D
        }
        Tensor result = embeddings.Count == 0 ? zeros(0, embeddingSize, device: device) : cat(embeddings, 0);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>One crop's D values, through the encoder's batch path so that a crop alone and in a batch agree.</summary>
    public static Tensor EmbedOne(IFaceEncoder encoder, FaceCrop crop)
    {
        using var scope = NewDisposeScope();
        return encoder.Embed([crop])[0].MoveToOuterDisposeScope();
    }
}
