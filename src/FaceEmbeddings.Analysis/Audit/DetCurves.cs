using FaceEmbeddings.Metrics;
namespace FaceEmbeddings.Audit;

/// <summary>Builds a <see cref="GroupDetCurve"/> from a group's same-person and different-person pair distances.</summary>
internal static class DetCurves
{
    /// <param name="group">The group's label.</param>
    /// <param name="samePerson">Same-person pair distances (at least one).</param>
    /// <param name="differentPerson">Different-person pair distances (at least one).</param>
    /// <param name="maxPoints">The most points the returned curve keeps (at least 2); the equal-error rate uses them all.</param>
    public static GroupDetCurve Compute(string group, IReadOnlyList<double> samePerson, IReadOnlyList<double> differentPerson, int maxPoints)
    {
        double[] genuine = samePerson.Order().ToArray();
        double[] impostor = differentPerson.Order().ToArray();
        // Thresholds: each distinct distance (a pair matches when strictly below), then one above all.
        double[] distinct = genuine.Concat(impostor).Distinct().Order().ToArray();
        var points = new DetPoint[distinct.Length + 1];
        int g = 0, i = 0;
        for (int t = 0; t <= distinct.Length; t++)
        {
            double threshold = t < distinct.Length ? distinct[t] : double.PositiveInfinity;
            while (g < genuine.Length && genuine[g] < threshold) g++;
            while (i < impostor.Length && impostor[i] < threshold) i++;
            points[t] = new DetPoint
            {
                Threshold = t < distinct.Length ? threshold : distinct[^1] + Math.Max(1e-6, Math.Abs(distinct[^1]) * 1e-6),
                FalseMatchRate = (double)i / impostor.Length,
                FalseNonMatchRate = 1 - (double)g / genuine.Length,
            };
        }
        return new GroupDetCurve
        {
            Group = group,
            SamePersonPairs = genuine.Length,
            DifferentPersonPairs = impostor.Length,
            EqualErrorRate = EqualErrorRate(points),
            Points = Thin(points, maxPoints),
        };
    }

    /// <summary>
    /// Where FMR − FNMR (rising from −1 at the first point to +1 at the last) reaches 0, on the straight line between the
    /// two neighbouring points around the crossing.
    /// </summary>
    internal static double EqualErrorRate(IReadOnlyList<DetPoint> points)
    {
        for (int t = 0; t < points.Count; t++)
        {
            DetPoint here = points[t];
            double gap = here.FalseMatchRate - here.FalseNonMatchRate;
            if (gap == 0) return here.FalseMatchRate;
            if (gap > 0)
            {
                DetPoint before = points[t - 1]; // t > 0: the first point has FMR 0 and FNMR > 0 (some same-person pair is at or above the smallest distance).
                double gapBefore = before.FalseMatchRate - before.FalseNonMatchRate;
                double along = -gapBefore / (gap - gapBefore);
                return before.FalseMatchRate + along * (here.FalseMatchRate - before.FalseMatchRate);
            }
        }
        throw new InvalidOperationException("A DET curve ends at FMR 1, FNMR 0, so FMR − FNMR reaches 0.");
    }

    /// <summary>At most <paramref name="maxPoints"/> points, evenly spaced along the curve, keeping both ends.</summary>
    private static DetPoint[] Thin(DetPoint[] points, int maxPoints)
    {
        if (points.Length <= maxPoints) return points;
        return Enumerable.Range(0, maxPoints)
            .Select(k => points[(int)Math.Round((double)k * (points.Length - 1) / (maxPoints - 1))])
            .ToArray();
    }
}
