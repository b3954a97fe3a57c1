using FaceEmbeddings.Audit;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using static TorchSharp.torch;

namespace FaceEmbeddings.Evaluation;

/// <summary>
/// Measures verification accuracy on labelled faces, so that users see (and can calibrate) what the model they run does on
/// faces like theirs: every pair of a folder-per-person collection (or a seeded sample when there are many), or the pairs
/// of a pairs file. The DET curve and the equal-error rate come from the bias audit's code; the thresholds at fixed
/// false-match rates follow its order-statistic rule; the intervals resample people, as the audit's do.
/// </summary>
public static class VerificationEvaluation
{
    /// <summary>Evaluates every pair of <paramref name="embeddings"/> (a seeded sample of
    /// <see cref="VerificationEvaluationOptions.MaxPairs"/> when there are more).</summary>
    /// <param name="embeddings">N×D embeddings, floating point, finite.</param>
    /// <param name="identities">The person of each row.</param>
    /// <param name="threshold">The model's threshold, for the accuracy at it; null leaves that figure out.</param>
    /// <param name="options">Settings; the defaults when null.</param>
    /// <param name="cancellationToken">Checked between blocks of distances and resamples.</param>
    /// <exception cref="ArgumentException">The embeddings are not a matrix, the identities do not match its rows, or the faces
    /// give no same-person or no different-person pair.</exception>
    public static VerificationEvaluationResult Evaluate(Tensor embeddings, IReadOnlyList<string> identities, VerificationThreshold? threshold,
        VerificationEvaluationOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new VerificationEvaluationOptions();
        options.Validate();
        TensorArguments.RequireMatrix(embeddings, nameof(embeddings));
        GroupIndex people = GroupIndex.Of(identities, embeddings.shape[0], nameof(identities));
        int faces = (int)embeddings.shape[0];
        long allPairs = (long)faces * (faces - 1) / 2;
        bool sampled = allPairs > options.MaxPairs;
        IReadOnlyList<LabelledPair> pairs = sampled ? SamplePairs(people.Codes, options.MaxPairs, options.Seed) : AllPairs(people.Codes);
        return Evaluate(embeddings, people, pairs, sampled, threshold, options, cancellationToken);
    }

    /// <summary>Evaluates the given pairs of rows of <paramref name="embeddings"/>.</summary>
    /// <param name="embeddings">N×D embeddings, floating point, finite.</param>
    /// <param name="identities">The person of each row, whose resamples give the intervals.</param>
    /// <param name="pairs">The pairs and their same/different labels.</param>
    /// <param name="threshold">The model's threshold, for the accuracy at it; null leaves that figure out.</param>
    /// <param name="options">Settings; the defaults when null.</param>
    /// <param name="cancellationToken">Checked between blocks of distances and resamples.</param>
    /// <exception cref="ArgumentException">A pair names a row outside the matrix or one row twice, or there is no same-person
    /// or no different-person pair.</exception>
    public static VerificationEvaluationResult Evaluate(Tensor embeddings, IReadOnlyList<string> identities, IReadOnlyList<LabelledPair> pairs,
        VerificationThreshold? threshold, VerificationEvaluationOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new VerificationEvaluationOptions();
        options.Validate();
        ArgumentNullException.ThrowIfNull(pairs);
        TensorArguments.RequireMatrix(embeddings, nameof(embeddings));
        GroupIndex people = GroupIndex.Of(identities, embeddings.shape[0], nameof(identities));
        return Evaluate(embeddings, people, pairs, sampled: false, threshold, options, cancellationToken);
    }

    /// <summary>
    /// Detects, embeds and evaluates a folder-per-person collection (<see cref="FaceDataset.FromImageFolder"/>): the
    /// largest face of each image, cut as <paramref name="encoder"/> expects.
    /// </summary>
    /// <param name="dataset">Images labelled by their folder (<see cref="FaceLabels.FolderKey"/>).</param>
    /// <param name="detector">Finds the faces.</param>
    /// <param name="encoder">Embeds them.</param>
    /// <param name="threshold">The model's threshold, for the accuracy at it; null leaves that figure out.</param>
    /// <param name="options">Settings; the defaults when null.</param>
    /// <param name="progress">Reports each batch of images.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static async Task<VerificationEvaluationResult> EvaluateAsync(FaceDataset dataset, IFaceDetector detector, IFaceEncoder encoder,
        VerificationThreshold? threshold, VerificationEvaluationOptions? options = null, IProgress<FaceDatasetProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        using FaceEmbeddingSet set = await dataset.EmbedAllAsync(detector, encoder, null, progress, cancellationToken).ConfigureAwait(false);
        if (set.Faces.Count == 0)
            throw new ArgumentException($"No face was found in any of the {dataset.Items.Count} images of '{dataset.Source}'.", nameof(dataset));
        IReadOnlyList<string> people = set.GroupNames([FaceLabels.FolderKey]);
        VerificationEvaluationResult result = Evaluate(set.Embeddings, people, threshold, options, cancellationToken);
        return result with { FailedImages = dataset.Rejected.Concat(set.Skipped).ToArray() };
    }

    /// <summary>
    /// Detects, embeds and evaluates the pairs of a pairs file (<see cref="VerificationPairsFile"/>: <c>file_x,file_y,same</c>
    /// lines, paths relative to the file). Lines naming a missing file, an unknown label or an image without a face are left
    /// out and reported by line (<see cref="VerificationEvaluationResult.RejectedPairs"/>). People, for the intervals, are the
    /// images' folder names.
    /// </summary>
    /// <exception cref="FileNotFoundException">The pairs file does not exist.</exception>
    /// <exception cref="ArgumentException">No line gives a usable pair, or the usable ones lack same-person or different-person pairs.</exception>
    public static async Task<VerificationEvaluationResult> EvaluatePairsAsync(string pairsPath, IFaceDetector detector, IFaceEncoder encoder,
        VerificationThreshold? threshold, VerificationEvaluationOptions? options = null, IProgress<FaceDatasetProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        VerificationPairsFile file = await VerificationPairsFile.ReadAsync(pairsPath, cancellationToken).ConfigureAwait(false);
        var rejected = new List<RejectedPair>(file.Rejected);
        string[] paths = file.Pairs.SelectMany(pair => new[] { pair.First, pair.Second }).Distinct(StringComparer.Ordinal).ToArray();
        if (paths.Length == 0)
            throw new ArgumentException($"No line of '{pairsPath}' gives a usable pair ({rejected.Count} rejected).", nameof(pairsPath));
        FaceDataset dataset = FaceDataset.FromFiles(paths);
        using FaceEmbeddingSet set = await dataset.EmbedAllAsync(detector, encoder, null, progress, cancellationToken).ConfigureAwait(false);
        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int row = 0; row < set.Faces.Count; row++)
            rowOf.TryAdd(set.Faces[row].Item.Path, row);
        var pairs = new List<LabelledPair>();
        foreach (VerificationPairsFile.Pair pair in file.Pairs)
        {
            if (!rowOf.TryGetValue(pair.First, out int first))
                rejected.Add(new RejectedPair(pair.Line, $"no face was found in '{pair.First}'"));
            else if (!rowOf.TryGetValue(pair.Second, out int second))
                rejected.Add(new RejectedPair(pair.Line, $"no face was found in '{pair.Second}'"));
            else if (first == second)
                rejected.Add(new RejectedPair(pair.Line, $"both sides are the same image '{pair.First}'"));
            else
                pairs.Add(new LabelledPair(first, second, pair.SamePerson));
        }
        if (pairs.Count == 0)
            throw new ArgumentException($"No line of '{pairsPath}' gives a usable pair ({rejected.Count} rejected).", nameof(pairsPath));
        IReadOnlyList<string> people = set.Faces.Select(face => Path.GetFileName(Path.GetDirectoryName(face.Item.Path)) ?? "").ToArray();
        VerificationEvaluationResult result = Evaluate(set.Embeddings, people, pairs, threshold, options, cancellationToken);
        return result with
        {
            FailedImages = set.Skipped,
            RejectedPairs = rejected.OrderBy(pair => pair.Line).ToArray(),
        };
    }

    private static VerificationEvaluationResult Evaluate(Tensor embeddings, GroupIndex people, IReadOnlyList<LabelledPair> pairs, bool sampled,
        VerificationThreshold? threshold, VerificationEvaluationOptions options, CancellationToken cancellationToken)
    {
        int faces = (int)embeddings.shape[0];
        foreach (LabelledPair pair in pairs)
        {
            if (pair.First < 0 || pair.First >= faces || pair.Second < 0 || pair.Second >= faces || pair.First == pair.Second)
                throw new ArgumentException($"The pair ({pair.First}, {pair.Second}) must name two different rows of the {faces} embeddings.", nameof(pairs));
        }
        DistanceMetric metric = threshold?.Metric ?? DistanceMetric.Euclidean;
        double[] distances = PairDistances(embeddings, pairs, metric, cancellationToken);
        int[] order = Enumerable.Range(0, pairs.Count).OrderBy(k => distances[k]).ThenBy(k => k).ToArray();
        double[] sortedDistances = order.Select(k => distances[k]).ToArray();
        bool[] samePerson = order.Select(k => pairs[k].SamePerson).ToArray();
        long same = samePerson.LongCount(flag => flag), different = samePerson.Length - same;
        if (same == 0 || different == 0)
            throw new ArgumentException($"An evaluation needs same-person and different-person pairs; got {same} and {different}.", nameof(pairs));

        var figures = new PairFigures(sortedDistances, samePerson);
        double[] unit = Enumerable.Repeat(1.0, pairs.Count).ToArray();
        (double bestAccuracy, double bestThreshold) = figures.BestAccuracy(unit);
        GroupDetCurve curve = DetCurves.Compute("all pairs", sortedDistances.Where((_, k) => samePerson[k]).ToArray(),
            sortedDistances.Where((_, k) => !samePerson[k]).ToArray(), options.DetCurvePoints);

        var measures = new List<Func<double[], double>>();
        int Measure(Func<double[], double> figure)
        {
            measures.Add(figure);
            return measures.Count - 1;
        }
        int? atThreshold = threshold is null ? null : Measure(weights => figures.AccuracyAt(threshold.Distance, weights));
        int best = Measure(weights => figures.BestAccuracy(weights).Accuracy);
        int area = Measure(figures.AreaUnderRoc);
        int equalError = Measure(figures.EqualErrorRate);
        int[] atRates = options.FalseMatchRates.Select(rate => Measure(weights => figures.TrueMatchRateAt(rate, weights).TrueMatchRate)).ToArray();
        double[][] replicates = Replicates(people, pairs, order, measures, options, cancellationToken);
        EstimatedFigure Estimate(int measure, double value) => new()
        {
            Value = value,
            Interval = options.BootstrapResamples == 0 ? null : PercentileBootstrap.Interval(replicates[measure], options.ConfidenceLevel, value),
        };

        return new VerificationEvaluationResult
        {
            Faces = faces,
            People = people.Names.Count,
            SamePersonPairs = same,
            DifferentPersonPairs = different,
            Sampled = sampled,
            Threshold = threshold,
            AccuracyAtThreshold = atThreshold is { } measured ? Estimate(measured, figures.AccuracyAt(threshold!.Distance, unit)) : null,
            BestAccuracy = Estimate(best, bestAccuracy),
            BestThreshold = bestThreshold,
            AreaUnderRoc = Estimate(area, figures.AreaUnderRoc(unit)),
            EqualErrorRate = Estimate(equalError, curve.EqualErrorRate),
            AtFalseMatchRates = options.FalseMatchRates.Select((rate, i) =>
            {
                (double trueMatchRate, double at) = figures.TrueMatchRateAt(rate, unit);
                return new TrueMatchRateAtFalseMatchRate { FalseMatchRate = rate, Threshold = at, TrueMatchRate = Estimate(atRates[i], trueMatchRate) };
            }).ToArray(),
            DetCurve = curve,
            ConfidenceLevel = options.ConfidenceLevel,
        };
    }

    /// <summary>Every pair of rows, labelled by whether their people agree.</summary>
    private static LabelledPair[] AllPairs(IReadOnlyList<int> codes)
    {
        var pairs = new LabelledPair[(long)codes.Count * (codes.Count - 1) / 2];
        int k = 0;
        for (int i = 0; i < codes.Count; i++)
            for (int j = i + 1; j < codes.Count; j++)
                pairs[k++] = new LabelledPair(i, j, codes[i] == codes[j]);
        return pairs;
    }

    /// <summary><paramref name="count"/> distinct pairs of rows drawn with <paramref name="seed"/>.</summary>
    private static LabelledPair[] SamplePairs(IReadOnlyList<int> codes, int count, int seed)
    {
        var random = new Random(seed);
        var seen = new HashSet<(int, int)>();
        var pairs = new List<LabelledPair>(count);
        while (pairs.Count < count)
        {
            int i = random.Next(codes.Count), j = random.Next(codes.Count);
            if (i == j) continue;
            if (i > j) (i, j) = (j, i);
            if (seen.Add((i, j)))
                pairs.Add(new LabelledPair(i, j, codes[i] == codes[j]));
        }
        return pairs.ToArray();
    }

    /// <summary>The distance of each pair, from blocks of rows of the pairwise distance matrix (never all of it at once).</summary>
    private static double[] PairDistances(Tensor embeddings, IReadOnlyList<LabelledPair> pairs, DistanceMetric metric, CancellationToken cancellationToken)
    {
        var distances = new double[pairs.Count];
        var byRow = Enumerable.Range(0, pairs.Count).GroupBy(k => Math.Min(pairs[k].First, pairs[k].Second)).OrderBy(group => group.Key).ToArray();
        long faces = embeddings.shape[0];
        int rowsPerBlock = (int)Math.Clamp((1L << 24) / faces, 1, int.MaxValue);
        using var noGrad = no_grad();
        for (int start = 0; start < byRow.Length; start += rowsPerBlock)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var block = byRow.Skip(start).Take(rowsPerBlock).ToArray();
            using Tensor rows = tensor(block.Select(group => (long)group.Key).ToArray(), device: embeddings.device);
            double[,] matrix = ToArray(Distances.Pairwise(embeddings.index_select(0, rows), embeddings, metric));
            for (int b = 0; b < block.Length; b++)
            {
                foreach (int k in block[b])
                    distances[k] = matrix[b, Math.Max(pairs[k].First, pairs[k].Second)];
            }
        }
        return distances;
    }

    private static double[,] ToArray(Tensor matrix)
    {
        using Tensor host = matrix.to(ScalarType.Float64).cpu().contiguous();
        double[] flat = host.data<double>().ToArray();
        int rows = (int)host.shape[0], columns = (int)host.shape[1];
        var result = new double[rows, columns];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(double));
        return result;
    }

    /// <summary>
    /// Each measure on each bootstrap resample of the people ([measure][replicate]; NaN where a resample leaves no pair).
    /// A resample weighs a same-person pair by its person's draws and a different-person pair by the product of its two
    /// people's draws; one replicate's weights live at a time.
    /// </summary>
    private static double[][] Replicates(GroupIndex people, IReadOnlyList<LabelledPair> pairs, int[] order, List<Func<double[], double>> measures,
        VerificationEvaluationOptions options, CancellationToken cancellationToken)
    {
        double[][] values = measures.Select(_ => new double[options.BootstrapResamples]).ToArray();
        if (options.BootstrapResamples == 0) return values;
        int count = people.Names.Count;
        double[] draws;
        using (Tensor counts = PercentileBootstrap.DrawWeights(new Random(options.Seed), options.BootstrapResamples, count, CPU))
            draws = counts.data<double>().ToArray();
        var weights = new double[order.Length];
        for (int r = 0; r < options.BootstrapResamples; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int offset = r * count;
            double sameWeight = 0, differentWeight = 0;
            for (int k = 0; k < order.Length; k++)
            {
                LabelledPair pair = pairs[order[k]];
                int first = people.Codes[pair.First], second = people.Codes[pair.Second];
                weights[k] = first == second ? draws[offset + first] : draws[offset + first] * draws[offset + second];
                if (pair.SamePerson) sameWeight += weights[k];
                else differentWeight += weights[k];
            }
            bool any = sameWeight > 0 && differentWeight > 0;
            for (int m = 0; m < measures.Count; m++)
                values[m][r] = any ? measures[m](weights) : double.NaN;
        }
        return values;
    }
}
