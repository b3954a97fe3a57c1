using System.CommandLine;
using System.Globalization;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Datasets;

namespace FaceEmbeddings.Cli.Commands;

/// <summary>
/// <c>faceembed audit &lt;dir&gt; [--labels folders|utkface] [--group-by race,gender] [--task embeddings|attributes] --out &lt;dir&gt;</c>:
/// embeds a labelled dataset, audits how tightly each group clusters and what that costs in false matches, prints the table
/// and writes the report; with <c>--task attributes</c>, audits face-api's apparent gender and age instead (<see cref="AttributeAuditTask"/>).
/// </summary>
internal static class AuditCommand
{
    /// <summary>File name of the audited embeddings in the report folder.</summary>
    public const string EmbeddingsFileName = "embeddings.safetensors";

    public static Command Create()
    {
        var input = new InputOptions(LabelScheme.Folders, LabelScheme.Folders, LabelScheme.UtkFace);
        var pipeline = new PipelineOptions(embeds: true, cropGeometry: true, onePerPhoto: true);
        var groupBy = new Option<string[]>("--group-by")
        {
            Description = "Labels whose values form the groups, comma-separated (default: label for folders, race,gender for utkface).",
            HelpName = "labels",
            CustomParser = result => result.Tokens
                .SelectMany(token => token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToArray(),
        };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = $"Folder for the report: {BiasAuditReport.HtmlFileName}, {BiasAuditReport.JsonFileName}, {BiasAuditReport.MarkdownFileName}, "
                + $"{BiasAuditReport.PcaPlotFileName}, {BiasAuditReport.DistancePlotFileName}, {BiasAuditReport.FaceGridFileName} and {EmbeddingsFileName}.",
            HelpName = "dir",
            Required = true,
        };

        var people = new Option<FileInfo?>("--groups")
        {
            Description = "With --labels folders: each folder is one person, and this CSV file maps each person to group attributes "
                + "(header: identity,<attribute>,...); --group-by then names attribute columns. Faces of one person give same-person pairs: "
                + "false non-match rates, DET curves and equal-error rates.",
            HelpName = "people.csv",
        };
        var compare = new Option<string[]>("--compare")
        {
            Description = "Two groups to test for a difference in WSS per member and mean intra-group distance (a bootstrap test read from the "
                + "difference's interval; a permutation test with --resamples 0), e.g. "
                + "--compare \"Black, female\" \"White, female\"; the default with --labels utkface grouped by race and gender.",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var minimumGroupSize = new Option<int>("--min-group-size")
        {
            Description = "Groups with fewer people are reported as too small and not audited (at least 2).",
            DefaultValueFactory = _ => 2,
        };
        var resamples = new Option<int>("--resamples")
        {
            Description = "Bootstrap resamples of each group's people for the confidence intervals (0: none).",
            DefaultValueFactory = _ => 1000,
        };
        var confidence = new Option<double>("--confidence")
        {
            Description = "Confidence level of the intervals; the tests' significance level is 1 minus it.",
            DefaultValueFactory = _ => 0.95,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the resamples and permutations (the same seed reproduces the report).",
            DefaultValueFactory = _ => new BiasAuditOptions().Seed,
        };
        var permutations = new Option<int>("--permutations")
        {
            Description = "Random relabellings of the permutation tests (the attribute audit's gaps; --compare with --resamples 0).",
            DefaultValueFactory = _ => 9999,
        };

        var task = new Option<string>("--task")
        {
            Description = "What to audit: embeddings (how tightly each group clusters, false matches) or attributes (apparent gender "
                + "and age predicted by face-api's networks against the labels, per group; needs age and gender labels, as --labels utkface gives).",
            DefaultValueFactory = _ => "embeddings",
        };
        task.AcceptOnlyFromAmong("embeddings", "attributes");

        var command = new Command("audit", "Embed a labelled set of faces and audit whether the model packs some groups tighter than others; "
            + "with --task attributes, audit the apparent gender and age face-api predicts against the labels, per group.");
        input.AddTo(command);
        command.Add(groupBy);
        command.Add(people);
        command.Add(compare);
        command.Add(minimumGroupSize);
        command.Add(resamples);
        command.Add(confidence);
        command.Add(seed);
        command.Add(permutations);
        command.Add(task);
        command.Add(output);
        pipeline.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            FaceDataset dataset = input.Open(parsed);
            LabelScheme scheme = input.SchemeOf(parsed);
            PeopleAttributes? peopleFile = null;
            if (parsed.GetValue(people) is { } peoplePath)
            {
                try
                {
                    peopleFile = await PeopleAttributes.LoadAsync(peoplePath.FullName, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception unusable) when (unusable is PeopleAttributesException or FileNotFoundException)
                {
                    throw new UsageException("--groups", unusable);
                }
            }
            if (peopleFile is not null && scheme != LabelScheme.Folders)
                throw new UsageException("--groups needs --labels folders (one folder per person).");
            AuditGrouping grouping = peopleFile is null
                ? AuditGrouping.ByLabels(GroupKeys(parsed.GetValue(groupBy), scheme, dataset))
                : ByPeople(peopleFile, parsed.GetValue(groupBy));
            string[] keys = grouping.Keys.ToArray();
            string folder = parsed.GetRequiredValue(output).FullName;
            if (parsed.GetValue(task) == "attributes")
            {
                if (peopleFile is not null || parsed.GetValue(compare) is { Length: > 0 })
                    throw new UsageException("--groups and --compare belong to --task embeddings.");
                var attributeOptions = new AttributeAuditOptions
                {
                    MinimumGroupSize = parsed.GetValue(minimumGroupSize),
                    Resamples = parsed.GetValue(resamples),
                    ConfidenceLevel = parsed.GetValue(confidence),
                    Seed = parsed.GetValue(seed),
                    Permutations = parsed.GetValue(permutations),
                };
                RequireValid(attributeOptions.Validate);
                await AttributeAuditTask.RunAsync(parsed, pipeline, dataset, keys, folder, attributeOptions, cancellationToken).ConfigureAwait(false);
                return;
            }
            var options = new BiasAuditOptions
            {
                MinimumGroupSize = parsed.GetValue(minimumGroupSize),
                Resamples = parsed.GetValue(resamples),
                ConfidenceLevel = parsed.GetValue(confidence),
                Seed = parsed.GetValue(seed),
                Permutations = parsed.GetValue(permutations),
            };
            RequireValid(options.Validate);
            string[]? compared = parsed.GetValue(compare);

            var reportOptions = new BiasAuditReportOptions();
            Dictionary<FaceDatasetItem, string> groupOfImage = GroupOfEachImage(grouping, dataset);
            using FaceEmbeddingSet set = await EmbedAllAsync().ConfigureAwait(false);
            options = options with { Comparisons = compared is { Length: 2 } ? [new GroupComparison(compared[0], compared[1])] : DefaultComparisons(scheme, grouping, set) };

            var clock = System.Diagnostics.Stopwatch.StartNew();
            BiasAuditResult result;
            try
            {
                result = await Task.Run(() => BiasAudit.Run(set, grouping, options, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (AuditGroupsException e)
            {
                throw new UsageException(null, e);
            }
            double auditSeconds = clock.Elapsed.TotalSeconds;
            BiasAuditReportFiles files = await BiasAuditReport.SaveAsync(folder, result, set, grouping, reportOptions, cancellationToken).ConfigureAwait(false);
            await set.SaveAsync(Path.Combine(folder, EmbeddingsFileName), cancellationToken).ConfigureAwait(false);

            Terminal.Write(AuditTable.Of(result));
            Terminal.Info(string.Create(CultureInfo.InvariantCulture,
                $"Audited {set.Faces.Count} faces in {result.Groups.Count} groups in {auditSeconds:0.00} s; {set.Skipped.Count} files skipped."));
            Terminal.Result(files.Html);

            // The networks are freed as soon as the faces are embedded: the native memory they give back (kept by the
            // detector's heap setting) then serves the statistics and the report instead of adding to the job's peak.
            async Task<FaceEmbeddingSet> EmbedAllAsync()
            {
                using var encoder = await pipeline.CreateEncoderAsync(parsed, cancellationToken).ConfigureAwait(false);
                using var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: false, encoder, cancellationToken).ConfigureAwait(false);
                return await DatasetRun.EmbedAllAsync(dataset, detector, encoder,
                    pipeline.DatasetOptions(parsed, KeepFirstOfEachGroup(item => groupOfImage[item], reportOptions.FacesPerGroup)), cancellationToken).ConfigureAwait(false);
            }
        });
        return command;
    }

    /// <summary>Checks the audit's options before any image is read: a value the library refuses is a usage error.</summary>
    private static void RequireValid(Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException invalid)
        {
            throw new UsageException(null, invalid);
        }
    }

    /// <summary>The audit group of each image, worked out once before any model loads; a person missing from the people
    /// file is the user's --groups argument at fault.</summary>
    private static Dictionary<FaceDatasetItem, string> GroupOfEachImage(AuditGrouping grouping, FaceDataset dataset)
    {
        try
        {
            return dataset.Items.ToDictionary<FaceDatasetItem, FaceDatasetItem, string>(item => item, grouping.GroupOf, ReferenceEqualityComparer.Instance);
        }
        catch (PeopleAttributesException missing)
        {
            throw new UsageException("--groups", missing);
        }
    }

    /// <summary>Keeps the crops of the first <paramref name="perGroup"/> faces of each group, the ones the report's face grid shows.</summary>
    private static Func<FaceDatasetItem, bool> KeepFirstOfEachGroup(Func<FaceDatasetItem, string> groupOf, int perGroup)
    {
        var kept = new Dictionary<string, int>(StringComparer.Ordinal);
        return item =>
        {
            string group = groupOf(item);
            int count = kept.GetValueOrDefault(group);
            kept[group] = count + 1;
            return count < perGroup;
        };
    }

    /// <summary>The labels to group by: those asked for, checked against the dataset, or the scheme's default.</summary>
    private static string[] GroupKeys(string[]? requested, LabelScheme scheme, FaceDataset dataset)
    {
        if (requested is null || requested.Length == 0)
            return scheme == LabelScheme.UtkFace ? [UtkFaceLabels.RaceKey, UtkFaceLabels.GenderKey] : [FaceLabels.FolderKey];
        string[] unknown = requested.Where(key => !dataset.LabelKeys.Contains(key, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0)
            throw new UsageException(
                $"--group-by {string.Join(',', unknown)}: no such label with --labels {scheme.ToString().ToLowerInvariant()}; the labels are {string.Join(", ", dataset.LabelKeys)}.");
        return requested;
    }

    /// <summary>Groups by the people file's columns asked for with --group-by, or all of them.</summary>
    private static AuditGrouping ByPeople(PeopleAttributes file, string[]? requested)
    {
        try
        {
            return AuditGrouping.ByPeople(file, requested);
        }
        catch (ArgumentException unknown)
        {
            throw new UsageException("--group-by", unknown);
        }
    }

    /// <summary>
    /// With no --compare, for UTKFace grouped by race and gender, the tutorial's question (do Black women's faces pack
    /// closer than White women's?) when both groups are there; else none.
    /// </summary>
    private static GroupComparison[] DefaultComparisons(LabelScheme scheme, AuditGrouping grouping, FaceEmbeddingSet set)
    {
        GroupComparison tutorial = new("Black, female", "White, female");
        if (scheme != LabelScheme.UtkFace || !grouping.Keys.SequenceEqual([UtkFaceLabels.RaceKey, UtkFaceLabels.GenderKey]))
            return [];
        IReadOnlyList<string> groups = grouping.GroupsOf(set);
        return groups.Contains(tutorial.First) && groups.Contains(tutorial.Second) ? [tutorial] : [];
    }
}
