using static TorchSharp.torch;

namespace FaceEmbeddings.Recognition;

/// <summary>
/// A growable N×D float32 matrix on one device with the L2 norm of each row beside it, as
/// <see cref="Metrics.Distances"/> ranks with: rows are appended into spare capacity (doubling when full) and
/// removed by moving the last rows into the holes, so neither costs more than the rows it touches. Owns its
/// tensors: dispose it. Not thread-safe: the gallery's lock guards it.
/// </summary>
internal sealed class EmbeddingRows : IDisposable
{
    private const long MinimumCapacity = 64;

    private readonly Device device;
    private readonly int width;
    private Tensor rows;
    private Tensor norms;

    public EmbeddingRows(int width, Device device, long capacity = MinimumCapacity)
    {
        this.width = width;
        this.device = device;
        capacity = Math.Max(capacity, MinimumCapacity);
        rows = empty([capacity, width], ScalarType.Float32, device).DetachFromDisposeScope();
        norms = empty(capacity, ScalarType.Float32, device).DetachFromDisposeScope();
    }

    /// <summary>Rows in use.</summary>
    public long Count { get; private set; }

    /// <summary>The Count×D rows in use (a view; valid until the next change).</summary>
    public Tensor Active => rows.narrow(0, 0, Count);

    /// <summary>Their Count norms (a view; valid until the next change).</summary>
    public Tensor ActiveNorms => norms.narrow(0, 0, Count);

    /// <summary>Copies N×D float32 rows on this device to the end.</summary>
    public void Append(Tensor newRows)
    {
        long added = newRows.shape[0];
        Reserve(Count + added);
        using var scope = NewDisposeScope();
        rows.narrow(0, Count, added).copy_(newRows);
        norms.narrow(0, Count, added).copy_(newRows.norm(1));
        Count += added;
    }

    /// <summary>Overwrites row <paramref name="index"/> (0 ≤ index &lt; Count) with a D-vector of float32 on this device.</summary>
    public void Set(long index, Tensor row)
    {
        using var scope = NewDisposeScope();
        rows[index].copy_(row);
        norms[index].copy_(row.norm(0));
    }

    /// <summary>
    /// Copies rows <paramref name="from"/> onto rows <paramref name="to"/> (pairwise, same length), keeps the first
    /// <paramref name="count"/>, and zeroes the rows dropped: a removed face's values stay in no spare capacity, where a
    /// memory dump or a later bug could find them.
    /// </summary>
    public void MoveAndTruncate(long[] from, long[] to, long count)
    {
        using var scope = NewDisposeScope();
        if (from.Length > 0)
        {
            Tensor source = tensor(from, device: device), target = tensor(to, device: device);
            rows.index_copy_(0, target, rows.index_select(0, source));
            norms.index_copy_(0, target, norms.index_select(0, source));
        }
        if (count < Count)
        {
            rows.narrow(0, count, Count - count).zero_();
            norms.narrow(0, count, Count - count).zero_();
        }
        Count = count;
    }

    private void Reserve(long needed)
    {
        long capacity = rows.shape[0];
        if (needed <= capacity) return;
        long grown = Math.Max(needed, capacity * 2);
        Tensor newRows = empty([grown, width], ScalarType.Float32, device).DetachFromDisposeScope();
        Tensor newNorms = empty(grown, ScalarType.Float32, device).DetachFromDisposeScope();
        using (NewDisposeScope())
        {
            newRows.narrow(0, 0, Count).copy_(Active);
            newNorms.narrow(0, 0, Count).copy_(ActiveNorms);
        }
        rows.Dispose();
        norms.Dispose();
        (rows, norms) = (newRows, newNorms);
    }

    public void Dispose()
    {
        rows.Dispose();
        norms.Dispose();
    }
}
