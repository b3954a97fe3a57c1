using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Runtime;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.PostgreSql;

/// <summary>
/// Synthetic face embeddings as an encoder gives them: unit vectors in clusters, one cluster per identity (its faces
/// scattered around a random centre), reproducible from a seed.
/// </summary>
public static class ClusteredEmbeddings
{
    /// <summary>
    /// <paramref name="identities"/> × <paramref name="facesPerIdentity"/> unit rows of width <paramref name="size"/>,
    /// identity by identity (rows i·F … i·F + F − 1 belong to identity i), scattered by <paramref name="spread"/> around
    /// their centre. Returned into the caller's dispose scope.
    /// </summary>
    public static Tensor Faces(int identities, int facesPerIdentity, int size, float spread, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        Tensor centres = randn([identities, 1, size], generator: generator);
        centres = TestTensors.UnitRows(centres);
        using var scale = tensor(spread / MathF.Sqrt(size));
        Tensor faces = centres.Plus(randn([identities, facesPerIdentity, size], generator: generator).mul(scale)).reshape(identities * facesPerIdentity, size);
        return TestTensors.UnitRows(faces).MoveToOuterDisposeScope();
    }

    /// <summary>New unit rows near given rows (as a new photo of the same person), reproducible from a seed.</summary>
    public static Tensor Near(Tensor rows, float spread, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        using var scale = tensor(spread / MathF.Sqrt(rows.shape[1]));
        Tensor moved = rows.Plus(randn(rows.shape, generator: generator).mul(scale));
        return TestTensors.UnitRows(moved).MoveToOuterDisposeScope();
    }
}
