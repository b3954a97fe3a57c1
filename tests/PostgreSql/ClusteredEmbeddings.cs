using TorchSharp;
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
        centres = centres.div(linalg.vector_norm(centres, dims: [2], keepdim: true));
        using var scale = tensor(spread / MathF.Sqrt(size));
        Tensor faces = centres.add(randn([identities, facesPerIdentity, size], generator: generator).mul(scale)).reshape(identities * facesPerIdentity, size);
        return faces.div(linalg.vector_norm(faces, dims: [1], keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>New unit rows near given rows (as a new photo of the same person), reproducible from a seed.</summary>
    public static Tensor Near(Tensor rows, float spread, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        using var scale = tensor(spread / MathF.Sqrt(rows.shape[1]));
        Tensor moved = rows.add(randn(rows.shape, generator: generator).mul(scale));
        return moved.div(linalg.vector_norm(moved, dims: [1], keepdim: true)).MoveToOuterDisposeScope();
    }
}
