using FaceEmbeddings.Attributes;
using FaceEmbeddings.Metrics;
using static TorchSharp.torch;

namespace FaceEmbeddings.Audit;

/// <summary>
/// Audits an attribute classifier against labels per group, as Gender Shades (Buolamwini &amp; Gebru, 2018) audited commercial
/// gender classifiers: per group the gender error rate and its confusion matrix, the age mean absolute error and mean signed
/// error (does the network make a group look older?), each with a bootstrap interval over the group's people; the worst to
/// best ratio of the gender error rate with its interval (<see cref="RateSpread"/>); and for both the gender error rate and
/// the age error, the largest gap between groups with a permutation test (<see cref="AttributeGap"/>).
/// </summary>
/// <remarks>
/// The intervals are made as the embedding audit's (<see cref="BiasAudit"/>): each group's people resampled with replacement
/// on their own, bias-corrected and accelerated percentile intervals of a group's own figures, plain percentile intervals of
/// ratios and gaps; a rate with no error (or only errors) has a degenerate interval.
/// </remarks>
public static partial class AttributeAudit
{
    /// <summary>Per-person sums: faces, gender errors, Σ|age error|, Σ age error.</summary>
    private const int Sums = 4;

    /// <summary>Audits <paramref name="predictions"/> against <paramref name="labels"/>, grouped by <paramref name="groups"/>.</summary>
    /// <param name="predictions">What the classifier predicts for each face (<see cref="IFaceAnalyzer"/>); at least one, finite ages.</param>
    /// <param name="labels">What the dataset says about each face, row for row.</param>
    /// <param name="groups">One non-empty group label per face.</param>
    /// <param name="identities">One non-empty person label per face (all of a person's faces in one group), or null when every
    /// face is its own person (as in UTKFace).</param>
    /// <param name="options">Intervals, tests and the smallest group; defaults as documented there.</param>
    /// <param name="cancellationToken">Checked between groups and between chunks of permutations.</param>
    /// <returns>The figures overall and per group (in order of first appearance), the spread and the tests.</returns>
    /// <exception cref="ArgumentException">The lists differ in length or are empty, an entry is null or not finite, a person is in
    /// two groups, or no group has <see cref="AttributeAuditOptions.MinimumGroupSize"/> people; the message names the argument.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static AttributeAuditResult Run(IReadOnlyList<FaceAttributes> predictions, IReadOnlyList<AttributeLabels> labels,
        IReadOnlyList<string> groups, IReadOnlyList<string>? identities = null, AttributeAuditOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(labels);
        if (predictions.Count == 0)
            throw new ArgumentException("An attribute audit needs at least one face; got none.", nameof(predictions));
        if (labels.Count != predictions.Count)
            throw new ArgumentException($"'{nameof(labels)}' must hold one entry per prediction ({predictions.Count}); got {labels.Count}.", nameof(labels));
        for (int face = 0; face < predictions.Count; face++)
        {
            if (predictions[face] is not { } predicted || !float.IsFinite(predicted.Age) || !Enum.IsDefined(predicted.Gender))
                throw new ArgumentException($"'{nameof(predictions)}' has {(predictions[face] is null ? "a null entry" : "a non-finite age or unknown gender")} at index {face}.", nameof(predictions));
            if (labels[face] is not { } label || !double.IsFinite(label.Age) || label.Age < 0 || !Enum.IsDefined(label.Gender))
                throw new ArgumentException($"'{nameof(labels)}' has {(labels[face] is null ? "a null entry" : "an age that is negative or not finite, or an unknown gender")} at index {face}.", nameof(labels));
        }
        GroupIndex index = GroupIndex.Of(groups, predictions.Count, nameof(groups));
        options ??= new AttributeAuditOptions();
        options.Validate(nameof(options));
        AuditPeople people = AuditPeople.Of(identities, index, nameof(identities));

        double[,] sums = PersonSums(predictions, labels, people);
        int[][] members = Enumerable.Range(0, index.Names.Count).Select(people.InGroup).ToArray();
        int[] audited = Enumerable.Range(0, index.Names.Count).Where(g => members[g].Length >= options.MinimumGroupSize).ToArray();
        TooSmallGroup[] tooSmall = Enumerable.Range(0, index.Names.Count).Where(g => members[g].Length < options.MinimumGroupSize)
            .Select(g => new TooSmallGroup { Group = index.Names[g], Count = index.Members[g].Count, People = members[g].Length, MinimumPeople = options.MinimumGroupSize })
            .ToArray();
        if (audited.Length == 0)
            throw new AuditGroupsException(
                $"No group has at least {options.MinimumGroupSize} people; the groups have {string.Join(", ", tooSmall.Select(t => $"'{t.Group}' {t.People}"))}.", nameof(groups));

        var random = new Random(options.Seed);
        var samples = new List<GroupSamples>();
        foreach (int g in audited)
        {
            cancellationToken.ThrowIfCancellationRequested();
            samples.Add(GroupSamples.Of(sums, members[g], random, options.Resamples));
        }

        var statistics = audited.Select((g, a) => Statistics(index.Names[g], index.Members[g], samples[a], predictions, labels, options.ConfidenceLevel)).ToArray();
        string[] names = audited.Select(g => index.Names[g]).ToArray();
        RateSpread? spread = AuditUncertainty.Spread(names, samples.Select(s => (s.Point[1], s.Point[0])).ToArray(),
            options.Resamples == 0 ? null
                : Enumerable.Range(0, options.Resamples).Select(b => (IReadOnlyList<(double, double)>)samples.Select(s => (s.Resample(b)[1], s.Resample(b)[0])).ToArray()).ToArray(),
            options.ConfidenceLevel);
        AttributeGap? genderGap = null, ageGap = null;
        if (audited.Length >= 2)
        {
            double[][] permuted = PermutedRanges(sums, audited.Select(g => members[g]).ToArray(), options, cancellationToken);
            genderGap = Gap(AttributeFigure.GenderErrorRate, GenderErrorRate, names, samples, permuted[0], options);
            ageGap = Gap(AttributeFigure.AgeMeanAbsoluteError, AgeMeanAbsoluteError, names, samples, permuted[1], options);
        }

        double faces = predictions.Count;
        double[] total = Enumerable.Range(0, Sums).Select(k => Enumerable.Range(0, people.Count).Sum(p => sums[p, k])).ToArray();
        return new AttributeAuditResult
        {
            Faces = predictions.Count,
            People = people.Count,
            GenderErrorRate = total[1] / faces,
            AgeMeanAbsoluteError = total[2] / faces,
            AgeMeanSignedError = total[3] / faces,
            Groups = statistics,
            TooSmallGroups = tooSmall,
            GenderErrorSpread = spread,
            GenderErrorGap = genderGap,
            AgeErrorGap = ageGap,
            Bootstrap = new BootstrapSettings
            {
                Resamples = options.Resamples,
                ConfidenceLevel = options.ConfidenceLevel,
                Seed = options.Seed,
                Permutations = options.Permutations,
                Identities = people.HasIdentities,
            },
        };
    }

    private static double GenderErrorRate(double[] sums) => sums[1] / sums[0];

    private static double AgeMeanAbsoluteError(double[] sums) => sums[2] / sums[0];

    private static double AgeMeanSignedError(double[] sums) => sums[3] / sums[0];

    /// <summary>For each person: faces, gender errors, Σ|predicted − labelled age|, Σ(predicted − labelled age).</summary>
    private static double[,] PersonSums(IReadOnlyList<FaceAttributes> predictions, IReadOnlyList<AttributeLabels> labels, AuditPeople people)
    {
        var sums = new double[people.Count, Sums];
        for (int face = 0; face < predictions.Count; face++)
        {
            int person = people.PersonOfFace[face];
            double error = predictions[face].Age - labels[face].Age;
            sums[person, 0] += 1;
            sums[person, 1] += predictions[face].Gender == labels[face].Gender ? 0 : 1;
            sums[person, 2] += Math.Abs(error);
            sums[person, 3] += error;
        }
        return sums;
    }

    /// <summary>One group's sums: on its people, on each bootstrap resample of them, and with each person left out.</summary>
    private sealed class GroupSamples
    {
        private readonly double[] resamples;

        private GroupSamples(int people, double[] point, double[] resamples, double[][] leaveOneOut)
        {
            People = people;
            Point = point;
            this.resamples = resamples;
            LeaveOneOut = leaveOneOut;
        }

        public int People { get; }
        public double[] Point { get; }
        public double[][] LeaveOneOut { get; }
        public int Resamples => resamples.Length / Sums;

        public double[] Resample(int b) => resamples.AsSpan(b * Sums, Sums).ToArray();

        public static GroupSamples Of(double[,] sums, int[] members, Random random, int resamples)
        {
            var rows = new double[members.Length * Sums];
            for (int i = 0; i < members.Length; i++)
                for (int k = 0; k < Sums; k++)
                    rows[(i * Sums) + k] = sums[members[i], k];
            double[] point = Enumerable.Range(0, Sums).Select(k => Enumerable.Range(0, members.Length).Sum(i => rows[(i * Sums) + k])).ToArray();
            double[][] leaveOneOut = Enumerable.Range(0, members.Length)
                .Select(i => Enumerable.Range(0, Sums).Select(k => point[k] - rows[(i * Sums) + k]).ToArray()).ToArray();
            if (resamples == 0) return new GroupSamples(members.Length, point, [], leaveOneOut);

            using var scope = NewDisposeScope();
            Tensor weights = PercentileBootstrap.DrawWeights(random, resamples, members.Length, CPU);       // B×P
            Tensor resampled = weights.matmul(tensor(rows, [members.Length, Sums], ScalarType.Float64));     // B×4
            return new GroupSamples(members.Length, point, resampled.contiguous().data<double>().ToArray(), leaveOneOut);
        }

        /// <summary>The figure's BCa interval; null without resamples.</summary>
        public ConfidenceInterval? Interval(Func<double[], double> figure, double level) => Resamples == 0 ? null
            : PercentileBootstrap.BiasCorrectedInterval(Enumerable.Range(0, Resamples).Select(b => figure(Resample(b))), figure(Point),
                LeaveOneOut.Where(sums => sums[0] > 0).Select(figure), People, level);
    }

    private static AttributeGroupStatistics Statistics(string name, IReadOnlyList<int> faces, GroupSamples samples,
        IReadOnlyList<FaceAttributes> predictions, IReadOnlyList<AttributeLabels> labels, double level)
    {
        int Count(ApparentGender labelled, ApparentGender predicted) =>
            faces.Count(face => labels[face].Gender == labelled && predictions[face].Gender == predicted);
        int errors = (int)samples.Point[1];
        ConfidenceInterval? rateInterval = samples.Resamples == 0 ? null
            : errors == 0 || errors == faces.Count ? ConfidenceInterval.DegenerateAt(GenderErrorRate(samples.Point))
            : samples.Interval(GenderErrorRate, level);
        return new AttributeGroupStatistics
        {
            Group = name,
            Faces = faces.Count,
            People = samples.People,
            GenderErrors = errors,
            GenderErrorRate = GenderErrorRate(samples.Point),
            GenderErrorRateInterval = rateInterval,
            Confusion = new GenderConfusion
            {
                MaleAsMale = Count(ApparentGender.Male, ApparentGender.Male),
                MaleAsFemale = Count(ApparentGender.Male, ApparentGender.Female),
                FemaleAsMale = Count(ApparentGender.Female, ApparentGender.Male),
                FemaleAsFemale = Count(ApparentGender.Female, ApparentGender.Female),
            },
            AgeMeanAbsoluteError = AgeMeanAbsoluteError(samples.Point),
            AgeMeanAbsoluteErrorInterval = samples.Interval(AgeMeanAbsoluteError, level),
            AgeMeanSignedError = AgeMeanSignedError(samples.Point),
            AgeMeanSignedErrorInterval = samples.Interval(AgeMeanSignedError, level),
        };
    }

    /// <summary>
    /// The largest gap (max − min over the audited groups) of the gender error rate and of the age MAE: [figure][0] on the real
    /// groups, then on each random relabelling of the audited people into groups of the same sizes.
    /// </summary>
    private static double[][] PermutedRanges(double[,] sums, int[][] groupsPeople, AttributeAuditOptions options, CancellationToken cancellationToken)
    {
        int[] pool = groupsPeople.SelectMany(p => p).ToArray();
        var random = new Random(unchecked((options.Seed * 7919) + 1));
        double[][] ranges = [new double[options.Permutations + 1], new double[options.Permutations + 1]];
        var groupSums = new double[groupsPeople.Length, Sums];
        for (int r = 0; r <= options.Permutations; r++)
        {
            if ((r & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            if (r > 0) random.Shuffle(pool);
            Array.Clear(groupSums);
            int next = 0;
            for (int g = 0; g < groupsPeople.Length; g++)
                for (int i = 0; i < groupsPeople[g].Length; i++, next++)
                    for (int k = 0; k < Sums; k++)
                        groupSums[g, k] += sums[pool[next], k];
            double genderLow = double.MaxValue, genderHigh = double.MinValue, ageLow = double.MaxValue, ageHigh = double.MinValue;
            for (int g = 0; g < groupsPeople.Length; g++)
            {
                double gender = groupSums[g, 1] / groupSums[g, 0], age = groupSums[g, 2] / groupSums[g, 0];
                (genderLow, genderHigh) = (Math.Min(genderLow, gender), Math.Max(genderHigh, gender));
                (ageLow, ageHigh) = (Math.Min(ageLow, age), Math.Max(ageHigh, age));
            }
            ranges[0][r] = genderHigh - genderLow;
            ranges[1][r] = ageHigh - ageLow;
        }
        return ranges;
    }

    private static AttributeGap Gap(AttributeFigure figure, Func<double[], double> of, string[] names, List<GroupSamples> samples,
        double[] permutedRanges, AttributeAuditOptions options)
    {
        double[] values = samples.Select(s => of(s.Point)).ToArray();
        int highest = Array.IndexOf(values, values.Max()), lowest = Array.IndexOf(values, values.Min());
        // At least as large as observed, with a relative allowance for sums taken in another order.
        double observed = permutedRanges[0] * (1 - 1e-9);
        int asLarge = permutedRanges.Skip(1).Count(range => range >= observed);
        GroupSamples high = samples[highest], low = samples[lowest];
        return new AttributeGap
        {
            Figure = figure,
            HighestGroup = names[highest],
            LowestGroup = names[lowest],
            HighestValue = values[highest],
            LowestValue = values[lowest],
            Gap = values[highest] - values[lowest],
            GapInterval = options.Resamples == 0 ? null
                : PercentileBootstrap.Interval(Enumerable.Range(0, options.Resamples).Select(b => of(high.Resample(b)) - of(low.Resample(b))),
                    options.ConfidenceLevel, values[highest] - values[lowest]),
            PValue = (1.0 + asLarge) / (options.Permutations + 1),
            Permutations = options.Permutations,
            SignificanceLevel = BootstrapSettings.SignificanceLevelOf(options.ConfidenceLevel),
        };
    }
}
