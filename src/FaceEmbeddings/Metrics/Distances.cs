using FaceEmbeddings.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Metrics;

/// <summary>
/// Distances between embeddings, computed where the embeddings are (CPU or GPU) and returned in their dtype.
/// Rows are samples, columns features.
/// </summary>
/// <remarks>
/// The matrix-product identity ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b that <c>torch.cdist</c> uses above 25 rows cancels
/// catastrophically in float32: self-distances of about 1e-3 instead of 0, and relative errors of about 1e-4 at a
/// distance of 0.06. <see cref="Pairwise"/> evaluates the same identity with float64 products, so every distance is
/// exact to the rounding of the output dtype, for about twice the time of a float32 product on a CPU.
/// <see cref="Nearest"/> ranks with fast products and computes the distances it returns exactly.
/// </remarks>
public static class Distances
{
    /// <summary>
    /// The default bound, in bytes, on the blocks <see cref="Nearest"/> and <see cref="Pairwise"/> compute at a time
    /// (256 MiB). Besides its blocks, <see cref="Pairwise"/> holds its output and float64 copies of its inputs.
    /// </summary>
    public const long DefaultChunkBytes = 256L << 20;

    /// <summary>
    /// Extra candidates <see cref="Nearest"/> keeps from its fast scoring before ranking them exactly, so that
    /// neighbours whose fast scores swap by rounding are still found.
    /// </summary>
    private const int MinimumShortlistSlack = 16;

    private const int MaximumQueryChunk = 1024;

    /// <summary>
    /// All distances between the rows of <paramref name="a"/> and the rows of <paramref name="b"/>
    /// (or of <paramref name="a"/> with itself), as <c>torch.cdist</c> but exact near zero.
    /// </summary>
    /// <param name="a">N×D embeddings, floating point, finite.</param>
    /// <param name="b">M×D embeddings with the dtype and device of <paramref name="a"/>; null (or <paramref name="a"/> itself)
    /// for distances within <paramref name="a"/>, whose diagonal is then exactly 0.</param>
    /// <param name="metric">The distance to compute.</param>
    /// <returns>An N×M matrix on the device and in the dtype of <paramref name="a"/>.</returns>
    /// <exception cref="ArgumentException">An input is not a non-empty 2-D floating-point matrix of finite values, the
    /// column counts, dtypes or devices differ, or a row is all zero under <see cref="DistanceMetric.Cosine"/>.</exception>
    public static Tensor Pairwise(Tensor a, Tensor? b = null, DistanceMetric metric = DistanceMetric.Euclidean)
    {
        TensorArguments.RequireMatrix(a, nameof(a));
        bool withItself = b is null || ReferenceEquals(a, b);
        if (!withItself)
        {
            TensorArguments.RequireMatrix(b, nameof(b));
            TensorArguments.RequireSameKind(a, nameof(a), b!, nameof(b));
        }
        RequireDefined(metric);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var left = PreciseRows.Of(a, metric, nameof(a));
        var right = withItself ? left : PreciseRows.Of(b!, metric, nameof(b));

        long rows = a.shape[0], columns = right.Rows.shape[0];
        var distances = empty(rows, columns, dtype: a.dtype, device: a.device);
        long rowsPerChunk = Math.Clamp(DefaultChunkBytes / (columns * sizeof(double)), 1, rows);
        for (long start = 0; start < rows; start += rowsPerChunk)
        {
            using var chunkScope = NewDisposeScope();
            long length = Math.Min(rowsPerChunk, rows - start);
            distances.narrow(0, start, length).copy_(PairwiseBlock(left.Slice(start, length), right, metric));
        }
        if (withItself)
            distances.diagonal().zero_();
        return distances.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The <paramref name="k"/> nearest rows of <paramref name="gallery"/> for each row of <paramref name="queries"/>,
    /// closest first (ties: lower gallery index first). The distance matrix is never materialized: queries and gallery
    /// are processed in chunks whose intermediates stay under <paramref name="chunkBytes"/>, so 10,000 queries against
    /// 1,000,000 gallery rows need a few hundred MiB beyond the inputs.
    /// </summary>
    /// <remarks>
    /// Each chunk is scored with one matrix product in the input's precision (float32 for half-precision input) and keeps
    /// a shortlist of max(2k, k + 16) candidates; the shortlist is then ranked by exact distances computed in float64
    /// from the rows themselves. The returned distances are therefore exact; a true neighbour could only be missed if
    /// more than the shortlist's slack of gallery rows tie with it to within float32 rounding.
    /// </remarks>
    /// <param name="queries">Q×D query embeddings, floating point, finite.</param>
    /// <param name="gallery">G×D gallery embeddings with the dtype and device of <paramref name="queries"/>.</param>
    /// <param name="k">How many neighbours per query, 1 ≤ k ≤ G.</param>
    /// <param name="metric">The distance to rank by.</param>
    /// <param name="chunkBytes">Bound on the largest intermediate, in bytes; at least 1 MiB.</param>
    /// <returns>Q×k distances (dtype of <paramref name="queries"/>) and Q×k int64 gallery row indices, on the queries' device.</returns>
    /// <exception cref="ArgumentException">An input is not a non-empty 2-D floating-point matrix of finite values, the
    /// column counts, dtypes or devices differ, or a row is all zero under <see cref="DistanceMetric.Cosine"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> or <paramref name="chunkBytes"/> is out of range.</exception>
    public static (Tensor Distances, Tensor Indices) Nearest(
        Tensor queries, Tensor gallery, int k, DistanceMetric metric = DistanceMetric.Euclidean, long chunkBytes = DefaultChunkBytes)
    {
        TensorArguments.RequireMatrix(queries, nameof(queries));
        TensorArguments.RequireMatrix(gallery, nameof(gallery));
        TensorArguments.RequireSameKind(queries, nameof(queries), gallery, nameof(gallery));
        RequireDefined(metric);
        long galleryRows = gallery.shape[0], queryRows = queries.shape[0], features = queries.shape[1];
        if (k < 1 || k > galleryRows)
            throw new ArgumentOutOfRangeException(nameof(k), k,
                $"k must be between 1 and the number of gallery rows ({galleryRows}, gallery {TensorArguments.ShapeOf(gallery)}).");
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1L << 20);
        if (metric == DistanceMetric.Cosine)
        {
            using var checkScope = NewDisposeScope();
            TensorArguments.RequireNonZeroRows(queries.norm(1), queries, nameof(queries));
            TensorArguments.RequireNonZeroRows(gallery.norm(1), gallery, nameof(gallery));
        }
        return NearestChecked(queries, gallery, null, k, metric, chunkBytes);
    }

    /// <summary>
    /// <see cref="Nearest"/> for arguments already checked, with the gallery rows' L2 norms given when the caller keeps
    /// them (a face gallery): a search then reads the gallery once, instead of three times (finiteness, norms, products).
    /// </summary>
    /// <param name="queries">Q×D queries, checked as <see cref="Nearest"/> checks them.</param>
    /// <param name="gallery">G×D gallery rows, finite (and non-zero under cosine), of the queries' dtype and device.</param>
    /// <param name="galleryNorms">The G row norms ‖g‖ in the scoring dtype (float32, or float64 for float64 rows), or null to compute them.</param>
    /// <param name="k">1 ≤ k ≤ G.</param>
    /// <param name="metric">A defined metric.</param>
    /// <param name="chunkBytes">At least 1 MiB.</param>
    internal static (Tensor Distances, Tensor Indices) NearestChecked(
        Tensor queries, Tensor gallery, Tensor? galleryNorms, int k, DistanceMetric metric, long chunkBytes = DefaultChunkBytes)
    {
        long galleryRows = gallery.shape[0], queryRows = queries.shape[0], features = queries.shape[1];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int shortlist = (int)Math.Min(galleryRows, (long)k + Math.Max(k, MinimumShortlistSlack));
        ScalarType scoreType = queries.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        int scoreBytes = scoreType == ScalarType.Float64 ? sizeof(double) : sizeof(float);
        // Exact ranking holds the shortlisted rows in float64 about three times over (rows, differences, squares).
        long queryChunk = Math.Clamp(chunkBytes / (3L * shortlist * features * sizeof(double)), 1, Math.Min(queryRows, MaximumQueryChunk));
        // Scoring holds the product block, its top-k buffers and the gallery chunk's copy.
        long galleryChunk = Math.Clamp(chunkBytes / (3L * queryChunk * scoreBytes + features * scoreBytes), 1, galleryRows);

        var distances = empty(queryRows, k, dtype: queries.dtype, device: queries.device);
        var indices = empty(queryRows, k, dtype: ScalarType.Int64, device: queries.device);
        for (long start = 0; start < queryRows; start += queryChunk)
        {
            using var chunkScope = NewDisposeScope();
            long length = Math.Min(queryChunk, queryRows - start);
            var queryBlock = queries.narrow(0, start, length);
            var candidates = Shortlist(queryBlock.to(scoreType), gallery, galleryNorms, metric, shortlist, galleryChunk);
            var (exact, neighbours) = RankExactly(queryBlock, gallery, candidates, k, metric);
            distances.narrow(0, start, length).copy_(exact);
            indices.narrow(0, start, length).copy_(neighbours);
        }
        return scope.MoveToOuter(distances, indices);
    }

    /// <summary>
    /// The distances d(i, j), i &lt; j, of the upper triangle of <c>Pairwise(x)</c> in row-major order, in the dtype
    /// of <paramref name="x"/>, computed in row chunks so that only the n(n − 1)/2 results are held.
    /// </summary>
    internal static Tensor UpperTriangle(Tensor x, DistanceMetric metric, string name)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var all = PreciseRows.Of(x, metric, name);
        long rows = x.shape[0];
        long rowsPerChunk = Math.Clamp(DefaultChunkBytes / (rows * sizeof(double)), 1, rows);
        using Scalar zero = 0, rowCount = rows;
        var columnIndex = arange(zero, rowCount, TorchScalars.One, device: x.device).unsqueeze(0);
        var pieces = new List<Tensor>();
        for (long start = 0; start < rows; start += rowsPerChunk)
        {
            using var chunkScope = NewDisposeScope();
            long length = Math.Min(rowsPerChunk, rows - start);
            using Scalar first = start, end = start + length;
            var rowIndex = arange(first, end, TorchScalars.One, device: x.device).unsqueeze(1);
            var block = PairwiseBlock(all.Slice(start, length), all, metric);
            pieces.Add(block.masked_select(columnIndex > rowIndex).to(x.dtype).MoveToOuterDisposeScope());
        }
        return cat(pieces, 0).MoveToOuterDisposeScope();
    }

    /// <summary>One block of <see cref="Pairwise"/> from float64 rows, squared norms and their Gram matrix.</summary>
    private static Tensor PairwiseBlock(PreciseRows left, PreciseRows right, DistanceMetric metric)
    {
        if (metric == DistanceMetric.Cosine)
        {
            using Scalar zero = 0, two = 2;
            return mm(left.Rows, right.Rows.t()).neg_().add_(TorchScalars.One, TorchScalars.One).clamp_(zero, two);   // rows are unit vectors: 1 − cos
        }
        using Scalar nothing = 0;
        var squared = addmm(right.SquaredNorms.unsqueeze(0), left.Rows, right.Rows.t(), beta: 1, alpha: -2)
            .PlusInPlace(left.SquaredNorms.unsqueeze(1)).clamp_min_(nothing);
        return metric == DistanceMetric.Euclidean ? squared.sqrt_() : squared;
    }

    /// <summary>
    /// Indices (Q×shortlist) of the gallery rows with the lowest fast scores, streaming the gallery in chunks.
    /// Scores drop the per-query constant: ‖g‖² − 2q·g ranks as ‖q − g‖², and −q·g/‖g‖ as 1 − cos.
    /// </summary>
    private static Tensor Shortlist(Tensor queryBlock, Tensor gallery, Tensor? galleryNorms, DistanceMetric metric, int shortlist, long galleryChunk)
    {
        long galleryRows = gallery.shape[0];
        Tensor? bestScores = null, bestIndices = null;
        using Scalar minusTwo = -2;
        for (long start = 0; start < galleryRows; start += galleryChunk)
        {
            using var chunkScope = NewDisposeScope();
            long length = Math.Min(galleryChunk, galleryRows - start);
            var rows = gallery.narrow(0, start, length).to(queryBlock.dtype);
            // A copy of kept norms: the Euclidean score squares them in place.
            var norms = galleryNorms?.narrow(0, start, length).clone() ?? rows.norm(1);
            var scores = QueryProducts.Of(queryBlock, rows);
            scores = metric == DistanceMetric.Cosine
                ? scores.div_(norms).neg_()
                : scores.mul_(minusTwo).add_(norms.mul(norms), TorchScalars.One);

            var (chunkScores, positions) = scores.topk((int)Math.Min(shortlist, length), dim: 1, largest: false, sorted: false);
            using Scalar offset = start;
            var chunkIndices = positions.add_(offset, TorchScalars.One);
            if (bestScores is not null && bestIndices is not null)
            {
                var pooledScores = cat([bestScores, chunkScores], 1);
                var pooledIndices = cat([bestIndices, chunkIndices], 1);
                (chunkScores, positions) = pooledScores.topk((int)Math.Min(shortlist, pooledScores.shape[1]), dim: 1, largest: false, sorted: false);
                chunkIndices = pooledIndices.gather(1, positions);
                bestScores.Dispose();
                bestIndices.Dispose();
            }
            (bestScores, bestIndices) = chunkScope.MoveToOuter(chunkScores, chunkIndices);
        }
        bestScores!.Dispose();
        return bestIndices!;
    }

    /// <summary>Ranks the shortlisted gallery rows by their exact float64 distance and keeps the first <paramref name="k"/>.</summary>
    private static (Tensor Distances, Tensor Indices) RankExactly(Tensor queryBlock, Tensor gallery, Tensor candidates, int k, DistanceMetric metric)
    {
        // Sorting candidates by index first makes the stable sort below break distance ties by lower index.
        var (sortedCandidates, _) = candidates.sort(dim: 1);
        long queries = queryBlock.shape[0], shortlist = sortedCandidates.shape[1], features = queryBlock.shape[1];
        var rows = gallery.index_select(0, sortedCandidates.flatten()).to(ScalarType.Float64).view(queries, shortlist, features);
        var query = queryBlock.to(ScalarType.Float64).unsqueeze(1);
        if (metric == DistanceMetric.Cosine)
        {
            rows = rows / rows.norm(2, keepdim: true);
            query = query / query.norm(2, keepdim: true);
        }
        var difference = rows - query;
        var squared = difference.mul_(difference).sum(2);
        var (ordered, order) = squared.sort(dim: 1, stable: true);
        var nearest = ordered.narrow(1, 0, k);
        using Scalar two = 2;
        var distances = metric switch
        {
            DistanceMetric.Euclidean => nearest.sqrt(),
            DistanceMetric.Cosine => nearest.div(two),   // ‖â − b̂‖² = 2(1 − cos)
            _ => nearest,
        };
        return (distances.to(queryBlock.dtype), sortedCandidates.gather(1, order.narrow(1, 0, k)));
    }

    private static void RequireDefined(DistanceMetric metric)
    {
        if (!Enum.IsDefined(metric))
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown distance metric.");
    }

    /// <summary>Rows in float64 with their squared norms; unit rows for the cosine distance.</summary>
    private sealed record PreciseRows(Tensor Rows, Tensor SquaredNorms)
    {
        public static PreciseRows Of(Tensor matrix, DistanceMetric metric, string name)
        {
            var rows = matrix.to(ScalarType.Float64);
            if (metric != DistanceMetric.Cosine)
                return new PreciseRows(rows, rows.mul(rows).sum(1));
            var norms = rows.norm(1, keepdim: true);
            TensorArguments.RequireNonZeroRows(norms, matrix, name);
            var unit = rows / norms;
            return new PreciseRows(unit, ones(unit.shape[0], dtype: ScalarType.Float64, device: unit.device));
        }

        public PreciseRows Slice(long start, long length) => new(Rows.narrow(0, start, length), SquaredNorms.narrow(0, start, length));
    }
}
