using System.Text.Json;
using System.Text.RegularExpressions;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Tests.Store;

namespace FaceEmbeddings.Tests.Cli;

/// <summary>
/// <c>faceembed cluster</c> and <c>faceembed gallery add --from-clusters</c> end to end with face-api's real network on
/// ../shared/data/people: every face of every photo is in clusters.json exactly once, the contact sheet shows each, the
/// embeddings file backs the rows, <c>--copy</c> fills one folder per cluster and never overwrites a file, and the named
/// clusters become a gallery.
/// </summary>
public sealed partial class ClusterCommandTests(PeopleClusters clusters) : IClassFixture<PeopleClusters>
{
    private static string People => SharedData.PathOf("data/people");

    [Fact]
    public void Clusters_json_lists_every_face_once_with_boxes_central_faces_and_one_person_per_cluster()
    {
        clusters.Run.ExitCode.Should().Be(0, clusters.Run.ToString());
        clusters.Run.Output.Trim().Should().Be(clusters.Output);
        clusters.Run.Error.Should().Contain("faces in 9 photos").And.Contain("cluster 1:");

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(clusters.Output, "clusters.json")));
        JsonElement root = document.RootElement;
        root.GetProperty("model").GetString().Should().Be("face-api-resnet");
        root.GetProperty("cropGeometry").GetString().Should().Be("dlib-mean-face-150px-pad0.25");
        root.GetProperty("threshold").GetDouble().Should().Be(0.5);
        root.GetProperty("photoCount").GetInt32().Should().Be(9);
        int faceCount = root.GetProperty("faceCount").GetInt32();
        faceCount.Should().BeGreaterThanOrEqualTo(9, "every photo shows at least its person");

        JsonElement[] entries = root.GetProperty("clusters").EnumerateArray().ToArray();
        entries.Should().NotBeEmpty();
        entries.Select(entry => entry.GetProperty("id").GetInt32()).Should().Equal(Enumerable.Range(1, entries.Length));
        entries.Select(entry => entry.GetProperty("size").GetInt32()).Should().BeInDescendingOrder();
        var rows = new List<int>();
        foreach (JsonElement entry in entries)
        {
            JsonElement[] faces = entry.GetProperty("faces").EnumerateArray().ToArray();
            faces.Should().HaveCount(entry.GetProperty("size").GetInt32()).And.HaveCountGreaterThanOrEqualTo(2, "--min-size is 2");
            faces.Select(face => face.GetProperty("row").GetInt32()).Should().Contain(entry.GetProperty("central").GetProperty("row").GetInt32());
            entry.GetProperty("files").EnumerateArray().Select(file => file.GetString()).Should()
                .BeEquivalentTo(faces.Select(face => face.GetProperty("file").GetString()).Distinct());
            faces.Select(face => Path.GetFileName(Path.GetDirectoryName(face.GetProperty("file").GetString()))).Distinct().Should()
                .ContainSingle($"cluster {entry.GetProperty("id").GetInt32()} must be one person");
            foreach (JsonElement face in faces)
            {
                float[] box = face.GetProperty("box").EnumerateArray().Select(value => value.GetSingle()).ToArray();
                box.Should().HaveCount(4);
                box[2].Should().BeGreaterThan(box[0]);
                box[3].Should().BeGreaterThan(box[1]);
                rows.Add(face.GetProperty("row").GetInt32());
            }
        }
        rows.AddRange(root.GetProperty("unclustered").EnumerateArray().Select(face => face.GetProperty("row").GetInt32()));
        rows.Should().BeEquivalentTo(Enumerable.Range(0, faceCount), "every face is in one cluster or unclustered, once");

        using SafeTensorsFile embeddings = SafeTensors.Load(Path.Combine(clusters.Output, root.GetProperty("embeddings").GetString()!));
        embeddings["embeddings"].shape.Should().Equal(faceCount, 128);

        string sheet = File.ReadAllText(Path.Combine(clusters.Output, "contact-sheet.html"));
        JpegImage().Count(sheet).Should().Be(faceCount, "the contact sheet shows every face once");
        sheet.Should().NotContain("http://").And.NotContain("https://", "the page is self-contained");
    }

    [Fact]
    public void Copy_puts_each_clusters_photos_in_its_own_folder()
    {
        clusters.Run.ExitCode.Should().Be(0, clusters.Run.ToString());
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(clusters.Output, "clusters.json")));
        JsonElement[] entries = document.RootElement.GetProperty("clusters").EnumerateArray().ToArray();
        Directory.GetDirectories(clusters.Output).Select(Path.GetFileName).Should()
            .BeEquivalentTo(entries.Select(entry => $"cluster-{entry.GetProperty("id").GetInt32()}"));
        foreach (JsonElement entry in entries)
        {
            string folder = Path.Combine(clusters.Output, $"cluster-{entry.GetProperty("id").GetInt32()}");
            string[] files = entry.GetProperty("files").EnumerateArray().Select(file => file.GetString()!).ToArray();
            Directory.GetFiles(folder).Select(Path.GetFileName).Should().BeEquivalentTo(files.Select(Path.GetFileName));
            foreach (string file in files)
                File.ReadAllBytes(Path.Combine(folder, Path.GetFileName(file))).Should().Equal(File.ReadAllBytes(file));
        }
    }

    [Fact]
    public async Task Copy_never_overwrites_a_file_in_a_cluster_folder()
    {
        using var folder = new TemporaryDirectory();
        string output = Path.Combine(folder.Path, "out");
        ToolRun first = await FaceEmbedTool.RunAsync([.. PeopleClusters.Arguments, "--copy", "--out", output]);
        first.ExitCode.Should().Be(0, first.ToString());
        string clusterFolder = Path.Combine(output, "cluster-1");
        string taken = Directory.GetFiles(clusterFolder).Order(StringComparer.Ordinal).First();
        byte[] photo = File.ReadAllBytes(taken);
        byte[] usersOwn = "the user's own file, not a photo"u8.ToArray();
        File.WriteAllBytes(taken, usersOwn);
        string notes = Path.Combine(clusterFolder, "notes.txt");
        File.WriteAllText(notes, "keep me");
        string[] before = Directory.GetFiles(clusterFolder);

        ToolRun second = await FaceEmbedTool.RunAsync([.. PeopleClusters.Arguments, "--copy", "--out", output]);

        second.ExitCode.Should().Be(0, second.ToString());
        File.ReadAllBytes(taken).Should().Equal(usersOwn, "a file in the way is kept as it is");
        File.ReadAllText(notes).Should().Be("keep me");
        string renamed = Path.Combine(clusterFolder, Path.GetFileNameWithoutExtension(taken) + "-2" + Path.GetExtension(taken));
        File.ReadAllBytes(renamed).Should().Equal(photo, "the photo goes beside it under the next free name");
        Directory.GetFiles(clusterFolder).Should().BeEquivalentTo(before.Append(renamed), "photos already copied are not copied again");
        Directory.GetFiles(clusterFolder, ".*").Should().BeEmpty("no temporary file is left behind");
    }

    [Fact]
    public async Task Gallery_add_from_clusters_enrols_the_named_clusters()
    {
        clusters.Run.ExitCode.Should().Be(0, clusters.Run.ToString());
        string clustersJson = Path.Combine(clusters.Output, "clusters.json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(clustersJson));
        JsonElement[] entries = document.RootElement.GetProperty("clusters").EnumerateArray().Take(2).ToArray();
        entries.Should().HaveCount(2, "the people folder holds four people with two photos each");
        string PersonOf(JsonElement entry) => Path.GetFileName(Path.GetDirectoryName(entry.GetProperty("central").GetProperty("file").GetString()))!;
        string names = Path.Combine(clusters.Scratch, "names.csv");
        File.WriteAllText(names, "cluster,name\n" + string.Join("\n", entries.Select(entry => $"{entry.GetProperty("id").GetInt32()},\"{PersonOf(entry)}, from photos\"")) + "\n");
        string gallery = Path.Combine(clusters.Scratch, "from-clusters.gallery");

        ToolRun add = await FaceEmbedTool.RunAsync("gallery", "add", "--from-clusters", clustersJson, "--names", names, "--gallery", gallery);
        ToolRun list = await FaceEmbedTool.RunAsync("gallery", "list", "--gallery", gallery, "--json");

        add.ExitCode.Should().Be(0, add.ToString());
        add.Output.Trim().Should().Be(gallery);
        list.ExitCode.Should().Be(0, list.ToString());
        using JsonDocument listed = JsonDocument.Parse(list.Output);
        listed.RootElement.GetProperty("model").GetString().Should().Be("face-api-resnet");
        listed.RootElement.GetProperty("embeddingSize").GetInt32().Should().Be(128);
        listed.RootElement.GetProperty("identities").EnumerateArray()
            .Select(identity => (identity.GetProperty("name").GetString(), identity.GetProperty("faces").GetInt32()))
            .Should().BeEquivalentTo(entries.Select(entry => ((string?)$"{PersonOf(entry)}, from photos", entry.GetProperty("size").GetInt32())));
    }

    [Fact]
    public async Task Gallery_add_from_clusters_refuses_unknown_clusters_and_mixed_inputs()
    {
        clusters.Run.ExitCode.Should().Be(0, clusters.Run.ToString());
        string clustersJson = Path.Combine(clusters.Output, "clusters.json");
        string names = Path.Combine(clusters.Scratch, "unknown.csv");
        File.WriteAllText(names, "cluster,name\n99,Nobody\n");
        string gallery = Path.Combine(clusters.Scratch, "refused.gallery");

        ToolRun unknown = await FaceEmbedTool.RunAsync("gallery", "add", "--from-clusters", clustersJson, "--names", names, "--gallery", gallery);
        ToolRun both = await FaceEmbedTool.RunAsync("gallery", "add", People, "--from-clusters", clustersJson, "--names", names, "--gallery", gallery);
        ToolRun noNames = await FaceEmbedTool.RunAsync("gallery", "add", "--from-clusters", clustersJson, "--gallery", gallery);

        unknown.ExitCode.Should().Be(2, unknown.ToString());
        unknown.Error.Should().Contain("cluster 99");
        both.ExitCode.Should().Be(2, both.ToString());
        both.Error.Should().Contain("not both");
        noNames.ExitCode.Should().Be(2, noNames.ToString());
        noNames.Error.Should().Contain("--names");
        File.Exists(gallery).Should().BeFalse("nothing was enrolled");
    }

    [Fact]
    public async Task A_min_probability_outside_zero_to_one_is_a_usage_error()
    {
        ToolRun run = await FaceEmbedTool.RunAsync(["cluster", People, "--min-probability", "1.5", "--out", Path.Combine(clusters.Scratch, "refused")]);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("--min-probability must lie between 0 and 1");
        Directory.Exists(Path.Combine(clusters.Scratch, "refused")).Should().BeFalse();
    }

    [GeneratedRegex("<img src=\"data:image/jpeg;base64,")]
    private static partial Regex JpegImage();
}
