using FaceEmbeddings.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Clustering;

/// <summary>Synthetic embeddings with known identities: each person a random centre, each face its centre plus noise.</summary>
internal static class SyntheticFaces
{
    /// <summary>
    /// <paramref name="people"/> × <paramref name="facesEach"/> float32 rows of <paramref name="features"/> values, person
    /// after person: centres N(0, 1) per value (about √(2D) apart), faces N(0, <paramref name="spread"/>²) around them.
    /// </summary>
    public static (Tensor Embeddings, int[] People) Clustered(int people, int facesEach, int features, double spread, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        var centres = randn([people, features], generator: generator);
        using Scalar noiseScale = spread;
        var faces = centres.repeat_interleave(facesEach, 0).add_(randn([people * facesEach, features], generator: generator).mul_(noiseScale), TorchScalars.One);
        int[] identities = Enumerable.Range(0, people * facesEach).Select(face => face / facesEach).ToArray();
        return (faces.MoveToOuterDisposeScope(), identities);
    }
}
