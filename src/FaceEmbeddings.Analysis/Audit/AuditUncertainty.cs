using FaceEmbeddings.Metrics;
using static TorchSharp.torch;

namespace FaceEmbeddings.Audit;

/// <summary>
/// The intervals, tests and identity-aware error rates of a bias audit, from the pair sums of each audited group
/// (<see cref="PersonPairSums"/>): each group's people are resampled with replacement, on their own, B times, and every
/// figure recomputed as weighted sums; thresholds stay at their values on the whole sample. A group's own figures get
/// bias-corrected and accelerated intervals (<see cref="PercentileBootstrap.BiasCorrectedInterval"/>), and so do the differences
/// that <see cref="Compare"/> tests; ratios across groups get plain percentile intervals.
/// </summary>
internal sealed class AuditUncertainty
{
    /// <summary>One audited group's figures beyond <see cref="Clusters.Summarize"/>.</summary>
    public sealed class Group
    {
        private Group(int people, GroupFigureSamples point, GroupFigureSamples? resamples, GroupFigureSamples leaveOneOut, double level)
        {
            People = people;
            Point = point;
            Resamples = resamples;
            LeaveOneOut = leaveOneOut;
            Level = level;
            SamePersonPairs = (long)Math.Round(point.SamePersonPairs(0));
            DifferentPersonPairs = (long)Math.Round(point.DifferentPersonPairs(0));
            WithinSumOfSquaresPerMember = Interval((s, b) => s.WithinSumOfSquaresPerMember(b));
            MeanIntraGroupDistance = Interval((s, b) => s.MeanIntraGroupDistance(b));
        }

        public int People { get; }
        public long SamePersonPairs { get; }
        public long DifferentPersonPairs { get; }
        public GroupFigureSamples Point { get; }
        public GroupFigureSamples? Resamples { get; }

        /// <summary>The figures with each person left out in turn, for the intervals' acceleration.</summary>
        public GroupFigureSamples LeaveOneOut { get; }

        public double Level { get; }
        public ConfidenceInterval? WithinSumOfSquaresPerMember { get; }
        public ConfidenceInterval? MeanIntraGroupDistance { get; }

        /// <summary>
        /// The group's figures from its pair sums: at weights of one, on <paramref name="resamples"/> resamples of its people
        /// drawn from <paramref name="random"/> (none when 0), and with each person left out.
        /// </summary>
        public static Group Of(PersonPairSums sums, Random random, int resamples, double level, Device device)
        {
            using var scope = NewDisposeScope();
            GroupFigureSamples point = sums.Figures(ones(1, sums.People, ScalarType.Float64, device));
            GroupFigureSamples? resampled = resamples == 0 ? null
                : sums.Figures(PercentileBootstrap.DrawWeights(random, resamples, sums.People, device));
            return new Group(sums.People, point, resampled, sums.LeaveOneOut(), level);
        }

        /// <summary>The bias-corrected interval of <paramref name="figure"/> (of a weighting); null without resamples.</summary>
        public ConfidenceInterval? Interval(Func<GroupFigureSamples, int, double> figure) => Resamples is null ? null
            : PercentileBootstrap.BiasCorrectedInterval(Resamples.Each(b => figure(Resamples, b)), figure(Point, 0),
                LeaveOneOut.Each(i => figure(LeaveOneOut, i)), People, Level);

        /// <summary>
        /// The interval of a rate, events / trials of a weighting: degenerate when the group has no event or only events
        /// (no resample can change it); null without resamples or trials.
        /// </summary>
        public ConfidenceInterval? RateInterval(Func<GroupFigureSamples, int, double> events, Func<GroupFigureSamples, int, double> trials)
        {
            double pointEvents = events(Point, 0), pointTrials = trials(Point, 0);
            if (Resamples is null || pointTrials == 0) return null;
            if (pointEvents == 0 || pointEvents == pointTrials) return ConfidenceInterval.DegenerateAt(pointEvents / pointTrials);
            return Interval((s, b) => events(s, b) / trials(s, b));
        }
    }

    private AuditUncertainty(IReadOnlyDictionary<int, Group> groups, IReadOnlyList<GroupDetCurve> detCurves)
    {
        Groups = groups;
        DetCurves = detCurves;
    }

    /// <summary>By group index (<see cref="GroupIndex"/>), the audited groups.</summary>
    public IReadOnlyDictionary<int, Group> Groups { get; }

    /// <summary>The DET curves of the audited groups with both kinds of pairs, in group order.</summary>
    public IReadOnlyList<GroupDetCurve> DetCurves { get; }

    /// <summary>Resamples each audited group's people and keeps the figures of every resample.</summary>
    public static AuditUncertainty Compute(Tensor embeddings, GroupIndex index, AuditPeople people, IReadOnlyList<int> audited,
        IReadOnlyList<double> thresholds, BiasAuditOptions options, CancellationToken cancellationToken)
    {
        var random = new Random(options.Seed);
        var groups = new Dictionary<int, Group>();
        var curves = new List<GroupDetCurve>();
        foreach (int g in audited)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            PersonPairSums sums = PersonPairSums.Of(embeddings, people, people.InGroup(g), options.Metric, thresholds, keepDistances: people.HasIdentities);
            groups[g] = Group.Of(sums, random, options.Resamples, options.ConfidenceLevel, embeddings.device);
            if (sums.SamePersonDistances.Count > 0 && sums.DifferentPersonDistances.Count > 0)
                curves.Add(Audit.DetCurves.Compute(index.Names[g], sums.SamePersonDistances, sums.DifferentPersonDistances, options.DetCurvePoints));
        }
        return new AuditUncertainty(groups, curves);
    }

    /// <summary>
    /// The spread of a rate across groups (see <see cref="RateSpread"/>), from per-group (events, trials) of the sample
    /// and of each resample; null when no group has an event. Groups without trials are left out.
    /// </summary>
    public static RateSpread? Spread(IReadOnlyList<string> names, IReadOnlyList<(double Events, double Trials)> point,
        IReadOnlyList<IReadOnlyList<(double Events, double Trials)>>? resamples, double level)
    {
        int[] usable = Enumerable.Range(0, names.Count).Where(g => point[g].Trials > 0).ToArray();
        if (usable.Length == 0 || usable.All(g => point[g].Events == 0)) return null;
        double[] rates = usable.Select(g => ZeroRuleRate(point[g])).ToArray();
        int highest = Array.IndexOf(rates, rates.Max()), lowest = Array.IndexOf(rates, rates.Min());
        (double maxToMin, double maxToGeometricMean) = Ratios(rates);
        ConfidenceInterval? minInterval = null, meanInterval = null;
        if (resamples is not null)
        {
            var replicates = resamples.Select(sample => usable.Any(g => sample[g].Trials == 0) || usable.All(g => sample[g].Events == 0)
                ? (double.NaN, double.NaN)
                : Ratios(usable.Select(g => ZeroRuleRate(sample[g])).ToArray())).ToArray();
            minInterval = PercentileBootstrap.Interval(replicates.Select(r => r.Item1), level, maxToMin);
            meanInterval = PercentileBootstrap.Interval(replicates.Select(r => r.Item2), level, maxToGeometricMean);
        }
        return new RateSpread
        {
            HighestGroup = names[usable[highest]],
            LowestGroup = names[usable[lowest]],
            MaxToMin = maxToMin,
            MaxToMinInterval = minInterval,
            MaxToGeometricMean = maxToGeometricMean,
            MaxToGeometricMeanInterval = meanInterval,
            ZeroRateGroups = usable.Where(g => point[g].Events == 0).Select(g => names[g]).ToArray(),
        };
    }

    private static double ZeroRuleRate((double Events, double Trials) count) => Math.Max(count.Events, 0.5) / count.Trials;

    private static (double MaxToMin, double MaxToGeometricMean) Ratios(double[] rates)
    {
        double max = rates.Max();
        return (max / rates.Min(), max / Math.Exp(rates.Average(Math.Log)));
    }

    /// <summary>
    /// Tests <paramref name="comparison"/> on both compared figures. With resamples, the interval of the difference is a BCa
    /// interval of the two groups' own resamples and the p-value inverts those intervals (<see cref="BiasCorrectedReplicates"/>),
    /// so that the test calls a difference significant exactly when its interval leaves zero out. Without resamples there
    /// is no interval and the p-value comes from a permutation test over the two groups' people (relabelled at random, group
    /// sizes kept).
    /// </summary>
    public IReadOnlyList<GroupDifference> Compare(Tensor embeddings, GroupIndex index, AuditPeople people, GroupComparison comparison,
        int comparisonNumber, BiasAuditOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int first = IndexOf(index, comparison.First), second = IndexOf(index, comparison.Second);
        Group a = Groups[first], b = Groups[second];
        double significanceLevel = BootstrapSettings.SignificanceLevelOf(options.ConfidenceLevel);
        (ComparedFigure Figure, Func<GroupFigureSamples, Func<int, double>> Of)[] figures =
        [
            (ComparedFigure.WithinSumOfSquaresPerMember, s => s.WithinSumOfSquaresPerMember),
            (ComparedFigure.MeanIntraGroupDistance, s => s.MeanIntraGroupDistance),
        ];
        GroupDifference?[] bootstrapped = figures.Select(figure => Bootstrapped(figure.Figure, figure.Of)).ToArray();
        if (bootstrapped.All(difference => difference is not null)) return bootstrapped!;
        double[][] permuted = PermutedDifferences(embeddings, people, people.InGroup(first), people.InGroup(second),
            figures.Select(figure => figure.Of).ToArray(), comparisonNumber, options, cancellationToken);
        return figures.Select((figure, f) => bootstrapped[f] ?? Permuted(figure.Figure, figure.Of, permuted[f])).ToArray();

        GroupDifference Difference(ComparedFigure figure, Func<GroupFigureSamples, Func<int, double>> of, ConfidenceInterval? interval,
            DifferenceTest test, double pValue, int permutations) => new()
        {
            First = comparison.First,
            Second = comparison.Second,
            Figure = figure,
            FirstValue = of(a.Point)(0),
            SecondValue = of(b.Point)(0),
            Difference = of(a.Point)(0) - of(b.Point)(0),
            DifferenceInterval = interval,
            Test = test,
            PValue = pValue,
            Permutations = permutations,
            SignificanceLevel = significanceLevel,
        };

        // Null without resamples, or when no resample can form the figure.
        GroupDifference? Bootstrapped(ComparedFigure figure, Func<GroupFigureSamples, Func<int, double>> of)
        {
            if (a.Resamples is not { } aResamples || b.Resamples is not { } bResamples) return null;
            double firstValue = of(a.Point)(0), secondValue = of(b.Point)(0);
            // Person i of the first group left out moves the difference as it moves the first figure, person j of the second
            // as it moves the second figure, with the opposite sign.
            BiasCorrectedReplicates? replicates = BiasCorrectedReplicates.Of(
                Enumerable.Range(0, aResamples.Count).Select(r => of(aResamples)(r) - of(bResamples)(r)), firstValue - secondValue,
                [a.LeaveOneOut.Each(i => of(a.LeaveOneOut)(i) - secondValue), b.LeaveOneOut.Each(j => firstValue - of(b.LeaveOneOut)(j))],
                Math.Min(a.People, b.People));
            return replicates is null ? null
                : Difference(figure, of, replicates.Interval(options.ConfidenceLevel), DifferenceTest.Bootstrap,
                    replicates.PValue(options.ConfidenceLevel, significanceLevel), permutations: 0);
        }

        GroupDifference Permuted(ComparedFigure figure, Func<GroupFigureSamples, Func<int, double>> of, double[] differences)
        {
            // At least as large in size as observed, with a relative allowance for the rounding of sums taken in another order.
            double observed = Math.Abs(differences[0]) * (1 - 1e-9);
            int asLarge = differences.Skip(1).Count(d => Math.Abs(d) >= observed);
            return Difference(figure, of, interval: null, DifferenceTest.Permutation, (1.0 + asLarge) / differences.Length, options.Permutations);
        }
    }

    /// <summary>
    /// Each figure's difference (first − second) on the two groups' people as labelled (row 0), then on each random relabelling
    /// of them into groups of the same sizes.
    /// </summary>
    private static double[][] PermutedDifferences(Tensor embeddings, AuditPeople people, int[] firstPeople, int[] secondPeople,
        Func<GroupFigureSamples, Func<int, double>>[] figures, int comparisonNumber, BiasAuditOptions options, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        int[] union = firstPeople.Concat(secondPeople).ToArray();
        PersonPairSums sums = PersonPairSums.Of(embeddings, people, union, options.Metric, [], keepDistances: false);

        // A seed of its own per comparison. Relabellings go through the sums a chunk at a time, in the same order, so that
        // memory stays bounded whatever the number of permutations and the p-values do not depend on the chunk size.
        var random = new Random(unchecked(options.Seed * 7919 + comparisonNumber + 1));
        int rows = options.Permutations + 1;
        double[][] differences = figures.Select(_ => new double[rows]).ToArray();
        int[] order = Enumerable.Range(0, union.Length).ToArray();
        int chunkRows = Math.Min(rows, sums.WeightingsWithin(PermutationChunkElements));
        for (int start = 0; start < rows; start += chunkRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(chunkRows, rows - start);
            var mask = new double[(long)count * union.Length];
            for (int r = 0; r < count; r++)
            {
                if (start + r > 0) random.Shuffle(order);
                for (int k = 0; k < firstPeople.Length; k++)
                    mask[(long)r * union.Length + (start + r == 0 ? k : order[k])] = 1;
            }
            using var chunkScope = NewDisposeScope();
            Tensor inFirst = tensor(mask, [count, union.Length], ScalarType.Float64, embeddings.device);
            GroupFigureSamples firstFigures = sums.Figures(inFirst);
            GroupFigureSamples secondFigures = sums.Figures(ones_like(inFirst) - inFirst);
            for (int f = 0; f < figures.Length; f++)
                for (int r = 0; r < count; r++)
                    differences[f][start + r] = figures[f](firstFigures)(r) - figures[f](secondFigures)(r);
        }
        return differences;
    }

    /// <summary>Values of one chunk's intermediate products in the permutation test: 8 MiB of float64.</summary>
    private const long PermutationChunkElements = 1L << 20;

    private static int IndexOf(GroupIndex index, string name)
    {
        for (int g = 0; g < index.Names.Count; g++)
            if (string.Equals(index.Names[g], name, StringComparison.Ordinal)) return g;
        throw new InvalidOperationException($"No group '{name}' (checked before the audit ran).");
    }
}
