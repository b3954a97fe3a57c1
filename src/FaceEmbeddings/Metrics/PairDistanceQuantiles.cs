using FaceEmbeddings.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Metrics;

/// <summary>
/// Order statistics of all pair distances, exact at any scale. When the pairs are few enough to hold
/// (at most the exact limit), they are gathered once and each order statistic is read with
/// <c>kthvalue</c>. Otherwise one pass finds the range of the distances, and each order statistic is found
/// by refinement: each pass counts the distances below the current range and histograms those inside it into
/// <see cref="HistogramBins"/> bins, and the range shrinks to the bin holding the wanted rank (widened
/// by a sliver against rounding at bin edges), until the distances inside fit the exact limit (then
/// they are gathered and the rank read exactly) or are all one value. Every pass recomputes the
/// distances with the same chunking, so every pass sees the same values.
/// </summary>
internal static class PairDistanceQuantiles
{
    /// <summary>Bins of one refinement pass: each pass shrinks the range about 4000-fold.</summary>
    public const int HistogramBins = 4096;

    /// <summary>The most pair distances held in memory at once by default (<c>BiasAuditOptions.ExactQuantileMaxPairs</c>,
    /// <c>ThresholdCalibration</c>).</summary>
    public const long DefaultExactLimit = 50_000_000;

    /// <summary>The most pair distances computed at once by default (rows × columns of one chunk).</summary>
    public const long DefaultChunkDistances = 4L << 20;

    /// <summary>⌊f·M⌋, the 0-based rank of the threshold for false-match rate f among M different-person pair distances
    /// (decimal arithmetic, so 1e-3 · 10⁶ is 1000, not 999): the audit's, the evaluation's and the calibration's rule.</summary>
    public static long ThresholdRank(double rate, long pairs) => (long)Math.Floor((decimal)rate * pairs);

    /// <summary>Refinement passes allowed before giving up; float64 ranges collapse to one value long before.</summary>
    private const int MaxRefinements = 64;

    /// <summary>
    /// For each 0-based <paramref name="ranks"/>[i], the (rank + 1)-th smallest of the pair distances.
    /// </summary>
    /// <param name="pairs">The pairs.</param>
    /// <param name="ranks">Ranks, each in [0, pairs.Count).</param>
    /// <param name="exactLimit">The most distances gathered in memory at once.</param>
    /// <param name="cancellationToken">Checked between chunks.</param>
    public static double[] Select(DifferentPersonPairs pairs, IReadOnlyList<long> ranks, long exactLimit, CancellationToken cancellationToken)
    {
        if (pairs.Count <= exactLimit) return SelectGathered(pairs, ranks, cancellationToken);
        (double low, double high) range = Range(pairs, cancellationToken);
        return ranks.Select(rank => SelectByRefinement(pairs, rank, range, exactLimit, cancellationToken)).ToArray();
    }

    private static double[] SelectGathered(DifferentPersonPairs pairs, IReadOnlyList<long> ranks, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        return SelectIn(Gather(pairs, withGroups: false, cancellationToken).Distances, ranks);
    }

    /// <summary>For each 0-based rank, the (rank + 1)-th smallest of <paramref name="all"/>, the gathered distances.</summary>
    public static double[] SelectIn(Tensor all, IReadOnlyList<long> ranks) => ranks.Select(rank => KthSmallest(all, rank)).ToArray();

    /// <summary>
    /// Every pair distance in one tensor, from one pass, and with <paramref name="withGroups"/> each pair's group as
    /// <see cref="DifferentPersonPairs.Visit"/> gives it (−1 across groups; int32 to halve the memory), else an empty
    /// tensor. The caller scopes the tensors.
    /// </summary>
    public static (Tensor Distances, Tensor Groups) Gather(DifferentPersonPairs pairs, bool withGroups, CancellationToken cancellationToken)
    {
        Tensor all = empty(pairs.Count, pairs.DistanceType, pairs.Device);
        Tensor groups = empty(withGroups ? pairs.Count : 0, ScalarType.Int32, pairs.Device);
        long filled = 0;
        pairs.Visit((distances, pairGroups) =>
        {
            all.narrow(0, filled, distances.shape[0]).copy_(distances);
            if (withGroups) groups.narrow(0, filled, distances.shape[0]).copy_(pairGroups);
            filled += distances.shape[0];
        }, withGroups, cancellationToken);
        return (all, groups);
    }

    private static double SelectByRefinement(DifferentPersonPairs pairs, long rank, (double Low, double High) range, long exactLimit,
        CancellationToken cancellationToken)
    {
        (double low, double high) = range;
        long inside = pairs.Count;
        for (int pass = 0; pass < MaxRefinements; pass++)
        {
            if (low == high) return low;
            if (inside <= exactLimit) return SelectInRange(pairs, rank, low, high, cancellationToken);

            Histogram histogram = CountInRange(pairs, low, high, cancellationToken);
            if (histogram.InsideMin == histogram.InsideMax) return histogram.InsideMin;
            long rankInside = rank - histogram.Below;
            int bin = 0;
            long cumulative = histogram.Counts[0];
            while (cumulative <= rankInside && bin < HistogramBins - 1) cumulative += histogram.Counts[++bin];
            if (rankInside < 0 || cumulative <= rankInside) throw NotReproducible();

            double width = (high - low) / HistogramBins;
            double sliver = width / 64;
            (low, high) = (Math.Max(low, low + bin * width - sliver), Math.Min(high, low + (bin + 1) * width + sliver));
            inside = histogram.Counts[bin];
        }
        throw new InvalidOperationException($"The pair-distance quantile did not converge in {MaxRefinements} refinement passes.");
    }

    private static (double Low, double High) Range(DifferentPersonPairs pairs, CancellationToken cancellationToken)
    {
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        pairs.Visit((distances, _) =>
        {
            low = Math.Min(low, distances.min().to(ScalarType.Float64).item<double>());
            high = Math.Max(high, distances.max().to(ScalarType.Float64).item<double>());
        }, withGroups: false, cancellationToken);
        return (low, high);
    }

    private sealed record Histogram(long Below, long[] Counts, double InsideMin, double InsideMax);

    private static Histogram CountInRange(DifferentPersonPairs pairs, double low, double high, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        Tensor? counts = null, below = null;
        double insideMin = double.PositiveInfinity, insideMax = double.NegativeInfinity;
        double binsPerUnit = HistogramBins / (high - low);
        using Scalar lowest = low, highest = high, binWidthInverse = binsPerUnit, firstBin = 0, lastBin = HistogramBins - 1;
        pairs.Visit((distances, _) =>
        {
            Tensor values = distances.to(ScalarType.Float64);
            Tensor belowHere = values.lt(lowest).sum();
            Tensor inside = values.masked_select(values.ge(lowest).logical_and(values.le(highest)));
            Tensor bins = inside.sub(lowest).mul_(binWidthInverse).floor_().clamp_(firstBin, lastBin).to(ScalarType.Int64);
            Tensor countsHere = bins.bincount(null, HistogramBins);
            if (counts is null)
            {
                counts = countsHere.MoveToOuterDisposeScope();
                below = belowHere.MoveToOuterDisposeScope();
            }
            else
            {
                counts.PlusInPlace(countsHere);
                below!.PlusInPlace(belowHere);
            }
            if (inside.numel() > 0)
            {
                insideMin = Math.Min(insideMin, inside.min().item<double>());
                insideMax = Math.Max(insideMax, inside.max().item<double>());
            }
        }, withGroups: false, cancellationToken);
        return new Histogram(below!.item<long>(), counts!.cpu().data<long>().ToArray(), insideMin, insideMax);
    }

    private static double SelectInRange(DifferentPersonPairs pairs, long rank, double low, double high, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        var chunks = new List<Tensor>();
        long below = 0;
        using Scalar lowest = low, highest = high;
        pairs.Visit((distances, _) =>
        {
            Tensor values = distances.to(ScalarType.Float64);
            below += values.lt(lowest).sum().item<long>();
            chunks.Add(values.masked_select(values.ge(lowest).logical_and(values.le(highest))).MoveToOuterDisposeScope());
        }, withGroups: false, cancellationToken);
        Tensor inside = cat(chunks, 0);
        long rankInside = rank - below;
        if (rankInside < 0 || rankInside >= inside.numel()) throw NotReproducible();
        return KthSmallest(inside, rankInside);
    }

    private static double KthSmallest(Tensor values, long rank)
    {
        (Tensor value, Tensor index) = values.kthvalue(rank + 1, 0);
        using (index)
        using (value)
        {
            return value.to(ScalarType.Float64).item<double>();
        }
    }

    private static InvalidOperationException NotReproducible() => new(
        "Pair distances changed between passes over the same embeddings (the distance computation is not deterministic on this device); the quantile cannot be refined.");
}
