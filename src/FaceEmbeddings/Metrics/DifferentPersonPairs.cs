using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Metrics;

/// <summary>
/// All pairs (i, j), i &lt; j, of N embeddings of different people, visited as chunks of distances so
/// that no N×N matrix is ever held: each chunk is a block of rows against the columns to their right,
/// computed on the embeddings' device. The chunking is the same on every visit, so every visit sees the
/// bitwise same distances. Every row is a different person (the audit), or, with person codes, pairs of
/// rows of one person are left out (threshold calibration).
/// </summary>
internal sealed class DifferentPersonPairs
{
    private readonly Tensor embeddings;
    private readonly Tensor groupCodes;
    private readonly Tensor? personCodes;
    private readonly Func<Tensor, Tensor, Tensor> pairwise;
    private readonly long rowsPerChunk;

    /// <param name="embeddings">N×D embeddings.</param>
    /// <param name="groupCodes">N group indices (int64) on the embeddings' device.</param>
    /// <param name="pairwise">Distances between the rows of two matrices: [a, D] × [b, D] → [a, b].</param>
    /// <param name="maxChunkElements">The most distances one chunk holds.</param>
    /// <param name="personCodes">N person indices (int64) on the embeddings' device, whose same-person pairs are left
    /// out; null when every row is a different person.</param>
    public DifferentPersonPairs(Tensor embeddings, Tensor groupCodes, Func<Tensor, Tensor, Tensor> pairwise, long maxChunkElements,
        Tensor? personCodes = null)
    {
        this.embeddings = embeddings;
        this.groupCodes = groupCodes;
        this.pairwise = pairwise;
        this.personCodes = personCodes;
        SamePersonPairs = personCodes is null ? 0 : CountSamePersonPairs(personCodes);
        Count = embeddings.shape[0] * (embeddings.shape[0] - 1) / 2 - SamePersonPairs;
        rowsPerChunk = Math.Max(1, maxChunkElements / Math.Max(1, embeddings.shape[0]));
    }

    /// <summary>The number of pairs: N(N − 1)/2, less the same-person pairs when there are person codes.</summary>
    public long Count { get; }

    /// <summary>The pairs (i &lt; j) of two rows of one person, left out of <see cref="Count"/>: 0 without person codes.</summary>
    public long SamePersonPairs { get; }

    /// <summary>The dtype the distances come in (the embeddings').</summary>
    public ScalarType DistanceType => embeddings.dtype;

    /// <summary>The device the distances are computed on (the embeddings').</summary>
    public Device Device => embeddings.device;

    /// <summary>
    /// Calls <paramref name="visit"/> once per chunk with the chunk's pair distances (1-D, in the distances' dtype) and,
    /// when <paramref name="withGroups"/>, the group index of each pair whose two members share a group
    /// (−1 for pairs across groups; otherwise an empty tensor). Tensors live only during the call.
    /// </summary>
    public void Visit(Action<Tensor, Tensor> visit, bool withGroups, CancellationToken cancellationToken)
    {
        long n = embeddings.shape[0];
        for (long start = 0; start < n - 1; start += rowsPerChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long end = Math.Min(n - 1, start + rowsPerChunk);
            Tensor rows = embeddings[TensorIndex.Slice(start, end)];
            Tensor columns = embeddings[TensorIndex.Slice(start, n)];
            Tensor distances = pairwise(rows, columns);                                      // [rows, n − start]
            // Row r of the chunk is embedding start + r; column c is embedding start + c: keep c > r.
            Tensor upper = ones(distances.shape, ScalarType.Bool, distances.device).triu(1);
            if (personCodes is not null)
                upper = upper.logical_and_(personCodes[TensorIndex.Slice(start, end)].unsqueeze(1).ne(personCodes[TensorIndex.Slice(start, n)].unsqueeze(0)));
            Tensor values = distances.masked_select(upper);                                   // [pairs in chunk]
            Tensor pairGroups = empty(0, ScalarType.Int64, distances.device);
            if (withGroups)
            {
                Tensor rowGroups = groupCodes[TensorIndex.Slice(start, end)].unsqueeze(1);  // [rows, 1]
                Tensor columnGroups = groupCodes[TensorIndex.Slice(start, n)].unsqueeze(0); // [1, n − start]
                Tensor shared = rowGroups.eq(columnGroups);                                     // [rows, n − start]
                using Scalar noGroup = -1L;
                pairGroups = rowGroups.expand_as(shared).masked_fill(shared.logical_not(), noGroup)
                    .masked_select(upper);                                                    // [pairs in chunk]
            }
            visit(values, pairGroups);
        }
    }

    /// <summary>Σ c(c − 1)/2 over the people's row counts c.</summary>
    private static long CountSamePersonPairs(Tensor personCodes)
    {
        using var scope = NewDisposeScope();
        long[] counts = personCodes.bincount(null, 0).cpu().data<long>().ToArray();
        return counts.Sum(count => count * (count - 1) / 2);
    }
}
