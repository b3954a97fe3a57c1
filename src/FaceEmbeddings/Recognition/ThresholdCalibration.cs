using FaceEmbeddings.Audit;
using FaceEmbeddings.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Recognition;

/// <summary>Chooses verification thresholds from labelled embeddings.</summary>
public static class ThresholdCalibration
{
    /// <summary>
    /// The threshold at which at most <paramref name="falseMatchRate"/> of the pairs of different identities in
    /// <paramref name="embeddings"/> match: with M such pairs, the (⌊f·M⌋ + 1)-th smallest of their distances, so that
    /// the pairs strictly below it are at most ⌊f·M⌋ (the bias audit's rule, computed by the same exact order-statistic
    /// code at any M, without an N×N matrix). Also reports the true-match rate over the same-identity pairs.
    /// </summary>
    /// <param name="embeddings">N×D embeddings from the encoder the threshold is for, floating point, finite.</param>
    /// <param name="identities">One non-empty identity per row; at least two different identities.</param>
    /// <param name="falseMatchRate">The target false-match rate, strictly between 0 and 1 (e.g. 1e-3).</param>
    /// <param name="metric">The distance the threshold is for.</param>
    /// <param name="cancellationToken">Checked between chunks of pair distances.</param>
    /// <exception cref="ArgumentException">An argument breaks a rule above; the message names it.</exception>
    public static CalibratedThreshold ForFalseMatchRate(Tensor embeddings, IReadOnlyList<string> identities, double falseMatchRate,
        DistanceMetric metric = DistanceMetric.Euclidean, CancellationToken cancellationToken = default)
    {
        TensorArguments.RequireMatrix(embeddings, nameof(embeddings));
        GroupIndex index = GroupIndex.Of(identities, embeddings.shape[0], nameof(identities));
        if (index.Names.Count < 2)
            throw new ArgumentException($"Calibration needs faces of at least two identities; got only '{index.Names[0]}'.", nameof(identities));
        if (!(falseMatchRate > 0 && falseMatchRate < 1))
            throw new ArgumentOutOfRangeException(nameof(falseMatchRate), falseMatchRate, "The false-match rate must lie strictly between 0 and 1.");
        if (!Enum.IsDefined(metric))
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown distance metric.");

        var limits = new BiasAuditOptions();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var pairs = new DifferentPersonPairs(
            embeddings,
            zeros(embeddings.shape[0], ScalarType.Int64, embeddings.device),
            (rows, columns) => Distances.Pairwise(rows, columns, metric),
            limits.MaxChunkDistances,
            tensor(index.Codes.Select(code => (long)code).ToArray(), device: embeddings.device));
        double threshold = PairDistanceQuantiles.Select(pairs, [BiasAudit.ThresholdRank(falseMatchRate, pairs.Count)],
            limits.ExactQuantileMaxPairs, cancellationToken)[0];
        long falseMatches = FalseMatchCounts.Count(pairs, [threshold], groupCount: 1, cancellationToken).Overall[0];
        (long samePersonPairs, long trueMatches) = SamePersonMatches(embeddings, index, threshold, metric, cancellationToken);

        return new CalibratedThreshold
        {
            Threshold = new VerificationThreshold(threshold, metric,
                $"calibrated for a false-match rate of {falseMatchRate:G3} on {embeddings.shape[0]} faces of {index.Names.Count} identities"),
            TargetFalseMatchRate = falseMatchRate,
            DifferentPersonPairs = pairs.Count,
            FalseMatches = falseMatches,
            FalseMatchRate = (double)falseMatches / pairs.Count,
            SamePersonPairs = samePersonPairs,
            TrueMatches = trueMatches,
        };
    }

    /// <summary>Same-identity pairs and how many of them lie strictly below <paramref name="threshold"/>, identity by identity.</summary>
    private static (long Pairs, long Matches) SamePersonMatches(Tensor embeddings, GroupIndex index, double threshold, DistanceMetric metric,
        CancellationToken cancellationToken)
    {
        long pairs = 0, matches = 0;
        foreach (IReadOnlyList<int> members in index.Members.Where(members => members.Count > 1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            Tensor rows = embeddings.index_select(0, tensor(members.Select(row => (long)row).ToArray(), device: embeddings.device));
            Tensor distances = Distances.UpperTriangle(rows, metric, nameof(embeddings)).to(ScalarType.Float64);
            pairs += distances.shape[0];
            using Scalar limit = threshold.ToScalar();
            matches += distances.lt(limit).sum().item<long>();
        }
        return (pairs, matches);
    }
}
