using FaceEmbeddings.Audit;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Evaluation;

/// <summary>
/// Verification figures of weighted pairs sorted by distance: each pair is a same-person or different-person pair with a
/// weight (1 for the figures themselves; how often a bootstrap resample draws the pair's people for their intervals). A
/// pair matches when its distance is strictly below the threshold, as everywhere in the library.
/// </summary>
internal sealed class PairFigures
{
    private readonly double[] distances;
    private readonly bool[] samePerson;

    /// <param name="distances">Pair distances in ascending order.</param>
    /// <param name="samePerson">Per pair, whether both faces are of one person.</param>
    public PairFigures(double[] distances, bool[] samePerson)
    {
        this.distances = distances;
        this.samePerson = samePerson;
    }

    /// <summary>The share of pairs decided rightly at <paramref name="threshold"/>.</summary>
    public double AccuracyAt(double threshold, double[] weights)
    {
        double right = 0, total = 0;
        for (int k = 0; k < distances.Length; k++)
        {
            total += weights[k];
            if ((distances[k] < threshold) == samePerson[k]) right += weights[k];
        }
        return right / total;
    }

    /// <summary>The best accuracy any threshold reaches, and that threshold: midway between the last distance it matches
    /// and the next (above the largest distance when it matches every pair).</summary>
    public (double Accuracy, double Threshold) BestAccuracy(double[] weights)
    {
        double total = weights.Sum();
        // Threshold below every pair: only the different-person pairs are right.
        double right = 0;
        for (int k = 0; k < distances.Length; k++)
            if (!samePerson[k]) right += weights[k];
        double best = right, bestThreshold = distances.Length == 0 ? 0 : distances[0] / 2;
        for (int k = 0; k < distances.Length;)
        {
            int end = k;
            for (; end < distances.Length && distances[end] == distances[k]; end++)
                right += samePerson[end] ? weights[end] : -weights[end];
            if (right > best)
            {
                best = right;
                bestThreshold = end < distances.Length ? (distances[end - 1] + distances[end]) / 2 : distances[^1] + 1e-6;
            }
            k = end;
        }
        return (best / total, bestThreshold);
    }

    /// <summary>The area under the ROC curve: the chance that a same-person pair is closer than a different-person pair,
    /// ties counting half.</summary>
    public double AreaUnderRoc(double[] weights)
    {
        double samePersonTotal = 0, differentTotal = 0, closerSame = 0, area = 0;
        for (int k = 0; k < distances.Length;)
        {
            int end = k;
            double sameHere = 0, differentHere = 0;
            for (; end < distances.Length && distances[end] == distances[k]; end++)
            {
                if (samePerson[end]) sameHere += weights[end];
                else differentHere += weights[end];
            }
            area += differentHere * (closerSame + sameHere / 2);
            closerSame += sameHere;
            samePersonTotal += sameHere;
            differentTotal += differentHere;
            k = end;
        }
        return area / (samePersonTotal * differentTotal);
    }

    /// <summary>The detection error trade-off at each distinct distance and one above all: the points the audit's
    /// equal-error rate reads.</summary>
    public List<DetPoint> DetPoints(double[] weights)
    {
        double samePersonTotal = 0, differentTotal = 0;
        for (int k = 0; k < distances.Length; k++)
        {
            if (samePerson[k]) samePersonTotal += weights[k];
            else differentTotal += weights[k];
        }
        var points = new List<DetPoint>();
        double matchedSame = 0, matchedDifferent = 0;
        for (int k = 0; k <= distances.Length;)
        {
            double threshold = k < distances.Length ? distances[k] : double.PositiveInfinity;
            points.Add(new DetPoint { Threshold = threshold, FalseMatchRate = matchedDifferent / differentTotal, FalseNonMatchRate = 1 - matchedSame / samePersonTotal });
            if (k == distances.Length) break;
            int end = k;
            for (; end < distances.Length && distances[end] == distances[k]; end++)
            {
                if (samePerson[end]) matchedSame += weights[end];
                else matchedDifferent += weights[end];
            }
            k = end;
        }
        return points;
    }

    /// <summary>The equal-error rate, where the false-match and false non-match rates meet.</summary>
    public double EqualErrorRate(double[] weights) => DetCurves.EqualErrorRate(DetPoints(weights));

    /// <summary>
    /// The true-match rate at the threshold of a false-match rate <paramref name="falseMatchRate"/>, and that threshold:
    /// the first different-person distance at which the weight of different-person pairs strictly below it is at most
    /// <c>f·W</c> and, with it, more: with unit weights the (⌊f·M⌋ + 1)-th smallest of M distances, the audit's rule
    /// (<see cref="PairDistanceQuantiles.ThresholdRank"/>).
    /// </summary>
    public (double TrueMatchRate, double Threshold) TrueMatchRateAt(double falseMatchRate, double[] weights)
    {
        double differentTotal = 0, samePersonTotal = 0;
        for (int k = 0; k < distances.Length; k++)
        {
            if (samePerson[k]) samePersonTotal += weights[k];
            else differentTotal += weights[k];
        }
        // Weights are whole counts, so their total is exact; the product in decimal keeps f·M exact as the audit's rule does.
        double allowed = (double)((decimal)falseMatchRate * (decimal)differentTotal), below = 0, threshold = double.NaN;
        for (int k = 0; k < distances.Length; k++)
        {
            if (samePerson[k] || weights[k] == 0) continue;
            if (below + weights[k] > allowed)
            {
                threshold = distances[k];
                break;
            }
            below += weights[k];
        }
        if (double.IsNaN(threshold)) threshold = double.PositiveInfinity;
        double matched = 0;
        for (int k = 0; k < distances.Length && distances[k] < threshold; k++)
            if (samePerson[k]) matched += weights[k];
        return (matched / samePersonTotal, threshold);
    }
}
