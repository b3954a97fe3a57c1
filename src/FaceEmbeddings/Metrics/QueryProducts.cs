using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Metrics;

/// <summary>
/// The products q·g of a few queries with every row of a gallery block (Q×G, as <c>mm(queries, rows.t())</c>), for
/// the searches of a face gallery on the CPU.
/// </summary>
/// <remarks>
/// One or a few queries against many rows is a matrix-vector product, bound by reading the rows. libtorch runs it on
/// one thread, well below the memory's speed (a <c>sum</c> of the same tensor is several times faster;
/// benchmarks/README.md). Here the rows are split into blocks
/// that the thread pool shares, and each row's dot products with the queries are taken while it is in cache
/// (<see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>, vectorized for the CPU), so the
/// gallery is read once at close to memory speed. Above <see cref="MaximumQueries"/> queries the product is compute
/// bound and libtorch's matrix product is faster; on other devices and dtypes it is the only path.
/// </remarks>
internal static class QueryProducts
{
    /// <summary>The most queries computed here; more go to libtorch's matrix product.</summary>
    public const int MaximumQueries = 4;

    /// <summary>Rows per block of work: 2–4 MiB of 512-d float32 rows, enough to amortize scheduling, small enough to balance.</summary>
    private const int RowsPerBlock = 2048;

    /// <summary>Q×G products of <paramref name="queries"/> (Q×D) with <paramref name="rows"/> (G×D), in their dtype and on their device.</summary>
    public static Tensor Of(Tensor queries, Tensor rows)
    {
        if (!Applies(queries, rows))
            return mm(queries, rows.t());
        int queryCount = (int)queries.shape[0], features = (int)queries.shape[1];
        long rowCount = rows.shape[0];
        float[] queryValues = queries.data<float>().ToArray();
        Tensor products = empty(queryCount, rowCount, ScalarType.Float32);
        // Query q's products are elements q·G … q·G + G − 1 of this view; each block writes its own stretch of them.
        using Tensor flatProducts = products.view(-1);
        long blocks = (rowCount + RowsPerBlock - 1) / RowsPerBlock;
        Parallel.For(0L, blocks, block =>
        {
            long first = block * RowsPerBlock;
            int count = (int)Math.Min(RowsPerBlock, rowCount - first);
            using Tensor rowBlock = rows.narrow(0, first, count);
            ReadOnlySpan<float> values = MemoryMarshal.Cast<byte, float>(rowBlock.bytes);
            for (int q = 0; q < queryCount; q++)
            {
                using Tensor outputBlock = flatProducts.narrow(0, q * rowCount + first, count);
                Span<float> output = MemoryMarshal.Cast<byte, float>(outputBlock.bytes);
                ReadOnlySpan<float> query = queryValues.AsSpan(q * features, features);
                for (int r = 0; r < count; r++)
                    output[r] = TensorPrimitives.Dot(values.Slice(r * features, features), query);
            }
        });
        return products;
    }

    /// <summary>True for a few contiguous float32 queries against contiguous float32 rows, all on the CPU.</summary>
    private static bool Applies(Tensor queries, Tensor rows) =>
        queries.shape[0] <= MaximumQueries && queries.is_contiguous() && queries.device_type == DeviceType.CPU && rows.device_type == DeviceType.CPU
        && queries.dtype == ScalarType.Float32 && rows.dtype == ScalarType.Float32 && rows.is_contiguous() && rows.shape[0] > 0;
}
