using System.CommandLine;
using System.Text.Json;
using FaceEmbeddings.Clustering;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using Spectre.Console;

namespace FaceEmbeddings.Cli.Commands;

/// <summary><c>faceembed gallery add|list|remove</c>: the people <c>faceembed identify</c> recognizes.</summary>
internal static class GalleryCommand
{
    public static Command Create() =>
        new("gallery", "Manage a gallery of enrolled people (a file) for 'faceembed identify'.") { CreateAdd(), CreateList(), CreateRemove() };

    private static Command CreateAdd()
    {
        var input = new InputOptions(LabelScheme.Folders, LabelScheme.Folders);
        var pipeline = new PipelineOptions(embeds: true, cropGeometry: true, onePerPhoto: true);
        var gallery = new GalleryOptions();
        var metric = new Option<string>("--metric")
        {
            Description = "The distance a new gallery compares faces with (an existing gallery keeps its own).",
            DefaultValueFactory = _ => "euclidean",
        };
        metric.AcceptOnlyFromAmong("euclidean", "cosine");
        var fromClusters = new Option<FileInfo?>("--from-clusters")
        {
            Description = $"Enrol named clusters of a {ClusterReport.FileName} written by 'faceembed cluster' (its embeddings, no new detection) instead of a folder; needs --names.",
            HelpName = "clusters.json",
        };
        var names = new Option<FileInfo?>("--names")
        {
            Description = "With --from-clusters: a CSV file with the header 'cluster,name' naming the clusters to enrol (clusters given one name become one person).",
            HelpName = "csv",
        };
        input.MakeOptional();

        var command = new Command("add", "Enrol the faces of a folder with one subfolder per person (the subfolder's name is the person's): "
            + "the largest face of each image is detected (MTCNN), embedded (the --encoder) and added to the gallery, which is created if needed. "
            + "Or enrol the clusters of 'faceembed cluster' you have named (--from-clusters, --names).");
        input.AddTo(command);
        gallery.AddTo(command);
        command.Add(metric);
        command.Add(fromClusters);
        command.Add(names);
        pipeline.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            DistanceMetric distance = parsed.GetRequiredValue(metric) == "cosine" ? DistanceMetric.Cosine : DistanceMetric.Euclidean;
            if (parsed.GetValue(fromClusters) is { } clusters)
            {
                if (input.HasInput(parsed))
                    throw new UsageException("Give either a folder of people or --from-clusters, not both.");
                FileInfo namesFile = parsed.GetValue(names)
                    ?? throw new UsageException("--from-clusters needs --names, a CSV file with the header 'cluster,name' saying who each cluster is.");
                await EnrolClustersAsync(clusters.FullName, namesFile.FullName, parsed, gallery, distance, cancellationToken).ConfigureAwait(false);
                return;
            }
            if (parsed.GetValue(names) is not null)
                throw new UsageException("--names goes with --from-clusters.");
            FaceDataset dataset = input.Open(parsed);
            using var encoder = await pipeline.CreateEncoderAsync(parsed, cancellationToken).ConfigureAwait(false);
            GalleryDescriptor descriptor = pipeline.SourceOf(parsed).GalleryDescriptorFor(encoder, distance, pipeline.GeometryOf(parsed, encoder));
            using OpenedGallery opened = await gallery.OpenAsync(parsed, descriptor, encoder.Device, cancellationToken).ConfigureAwait(false);
            using var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: false, encoder, cancellationToken).ConfigureAwait(false);
            using FaceEmbeddingSet set = await DatasetRun.EmbedAllAsync(dataset, detector, encoder,
                pipeline.DatasetOptions(parsed), cancellationToken).ConfigureAwait(false);
            if (set.Faces.Count == 0)
                throw new InvalidOperationException($"No face was found in any of the {dataset.Items.Count} images of '{dataset.Source}'; nothing was enrolled.");

            IReadOnlyList<string> people = set.GroupNames([FaceLabels.FolderKey]);
            await opened.Gallery.EnrollRowsAsync(set.Embeddings, people, cancellationToken).ConfigureAwait(false);
            await opened.CommitAsync(cancellationToken).ConfigureAwait(false);
            GalleryCounts counts = await opened.Gallery.CountAsync(cancellationToken).ConfigureAwait(false);
            Terminal.Info($"Enrolled {set.Faces.Count} faces of {people.Distinct().Count()} people from {dataset.Items.Count} images "
                + $"({set.Skipped.Count} files skipped); the gallery now holds {counts.Identities} people and {counts.Faces} faces.");
            Terminal.Result(opened.Location);
        });
        return command;
    }

    /// <summary>Enrols the clusters <paramref name="namesPath"/> names, from the embeddings beside <paramref name="clustersPath"/>, into
    /// the gallery (and with the key) the command line names.</summary>
    private static async Task EnrolClustersAsync(string clustersPath, string namesPath, ParseResult parsed, GalleryOptions gallery, DistanceMetric metric,
        CancellationToken cancellationToken)
    {
        ClusterReport file;
        IReadOnlyList<NamedCluster> named;
        ClusterEmbeddings embeddings;
        try
        {
            file = await ClusterReport.ReadAsync(clustersPath, cancellationToken).ConfigureAwait(false);
            named = ClusterNames.Read(namesPath, file);
            embeddings = ClusterEmbeddings.Open(clustersPath, file);
        }
        catch (ClusterReportException unusable)
        {
            throw new UsageException(unusable.Path == namesPath ? "--names" : "--from-clusters", unusable);
        }
        using (embeddings)
        {
            using OpenedGallery opened = await gallery.OpenAsync(parsed, embeddings.DescriptorFor(metric), device: null, cancellationToken).ConfigureAwait(false);
            int faces = await embeddings.EnrollAsync(opened.Gallery, named, cancellationToken).ConfigureAwait(false);
            int people = named.Select(name => name.Name).Distinct(StringComparer.Ordinal).Count();
            await opened.CommitAsync(cancellationToken).ConfigureAwait(false);
            GalleryCounts counts = await opened.Gallery.CountAsync(cancellationToken).ConfigureAwait(false);
            Terminal.Info($"Enrolled {faces} faces of {people} people from {named.Count} clusters of {clustersPath}; "
                + $"the gallery now holds {counts.Identities} people and {counts.Faces} faces.");
            Terminal.Result(opened.Location);
        }
    }

    private static Command CreateList()
    {
        var gallery = new GalleryOptions();
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table." };
        var command = new Command("list", "List the people of a gallery with their face counts and metadata.") { json };
        gallery.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            using OpenedGallery opened = await gallery.OpenAsync(parsed, null, device: null, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<GalleryIdentity> identities = await opened.Gallery.ListIdentitiesAsync(cancellationToken).ConfigureAwait(false);
            GalleryDescriptor descriptor = opened.Gallery.Descriptor;
            if (parsed.GetValue(json))
            {
                Terminal.Result(JsonSerializer.Serialize(new
                {
                    model = descriptor.Model,
                    embeddingSize = descriptor.EmbeddingSize,
                    metric = descriptor.Metric.ToString(),
                    identities = identities.Select(identity => new { name = identity.Name, faces = identity.FaceCount, metadata = identity.Metadata }),
                }));
                return;
            }
            Terminal.Info($"{opened.Location}: {identities.Count} people, {identities.Sum(identity => identity.FaceCount)} faces ({descriptor}).");
            var table = new Table().AddColumns("Identity", "Faces", "Metadata");
            table.Columns[1].RightAligned();
            foreach (GalleryIdentity identity in identities)
                table.AddRow(Markup.Escape(identity.Name), identity.FaceCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(", ", identity.Metadata.Select(entry => $"{entry.Key}={entry.Value}"))));
            Terminal.Out.Write(table);
        });
        return command;
    }

    private static Command CreateRemove()
    {
        var gallery = new GalleryOptions();
        var names = new Argument<string[]>("identities") { Description = "The people to remove, as 'gallery list' names them.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("remove", "Remove people and all their faces from a gallery.") { names };
        gallery.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            string[] remove = parsed.GetRequiredValue(names);
            using OpenedGallery opened = await gallery.OpenAsync(parsed, null, device: null, cancellationToken).ConfigureAwait(false);
            var known = (await opened.Gallery.ListIdentitiesAsync(cancellationToken).ConfigureAwait(false)).Select(identity => identity.Name).ToHashSet(StringComparer.Ordinal);
            string[] missing = remove.Where(name => !known.Contains(name)).ToArray();
            if (missing.Length > 0)
                throw new InvalidOperationException($"The gallery '{opened.Location}' has no {string.Join(", ", missing.Select(name => $"'{name}'"))}; nothing was removed.");
            foreach (string name in remove.Distinct(StringComparer.Ordinal))
                await opened.Gallery.RemoveIdentityAsync(name, cancellationToken).ConfigureAwait(false);
            await opened.CommitAsync(cancellationToken).ConfigureAwait(false);
            GalleryCounts counts = await opened.Gallery.CountAsync(cancellationToken).ConfigureAwait(false);
            Terminal.Info($"Removed {remove.Distinct(StringComparer.Ordinal).Count()} people; the gallery now holds {counts.Identities} people and {counts.Faces} faces.");
            Terminal.Result(opened.Location);
        });
        return command;
    }
}
