using FaceEmbeddings.Recognition;
using Pgvector;
using static TorchSharp.torch;

namespace FaceEmbeddings.PostgreSql;

/// <summary>
/// Checked embeddings copied to the host as float32, row by row as pgvector values: the gallery reads its tensor
/// arguments once, before it opens a connection, and keeps no reference to them.
/// </summary>
internal sealed class EmbeddingRowsOnHost
{
    private readonly float[] values;
    private readonly int width;

    private EmbeddingRowsOnHost(float[] values, int count, int width)
    {
        this.values = values;
        this.width = width;
        Count = count;
    }

    /// <summary>Rows.</summary>
    public int Count { get; }

    /// <summary>Checks <paramref name="embeddings"/> against <paramref name="descriptor"/> and copies them.</summary>
    /// <exception cref="ArgumentException">They are not N×D (or D) finite embeddings of the descriptor's size.</exception>
    public static EmbeddingRowsOnHost Read(GalleryDescriptor descriptor, Tensor embeddings, string parameterName)
    {
        long count = descriptor.RequireEmbeddings(embeddings, parameterName);
        if (count > int.MaxValue / descriptor.EmbeddingSize)
            throw new ArgumentException($"'{parameterName}' has {count} rows: pass at most {int.MaxValue / descriptor.EmbeddingSize} per call.", parameterName);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        float[] values = embeddings.reshape(count, descriptor.EmbeddingSize).to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        return new EmbeddingRowsOnHost(values, (int)count, descriptor.EmbeddingSize);
    }

    /// <summary>Row <paramref name="row"/> as a pgvector <c>vector</c> (queries are cast to the column type in SQL).</summary>
    public Vector Vector(int row) => new(values.AsMemory(row * width, width));

    /// <summary>Row <paramref name="row"/> as a pgvector <c>halfvec</c>.</summary>
    public HalfVector HalfVector(int row)
    {
        var half = new Half[width];
        for (int i = 0; i < width; i++) half[i] = (Half)values[row * width + i];
        return new HalfVector(half);
    }
}
