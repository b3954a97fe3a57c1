using FaceEmbeddings.Clustering;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Recognition;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Clustering;

/// <summary>
/// The cluster report as a library user meets it: written and read back, its names file, its embeddings enrolled into a
/// gallery, and every malformed input refused with a <see cref="ClusterReportException"/> naming the file.
/// A hand-made report: cluster 1 (rows 0 and 2, two photos), cluster 2 (row 1), row 3 unclustered.
/// </summary>
public sealed class ClusterReportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cluster-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ClusterReportFace Face(int row, string file) => new(row, file, 0, [1, 2, 30, 40], 0.99f);

    private static ClusterReport Report() => new(
        Source: "/photos", Model: "face-api-resnet", CropGeometry: "dlib-aligned-150", Metric: "euclidean", Threshold: 0.6, MinSize: 1,
        Embeddings: ClusterReport.EmbeddingsFileName, FaceCount: 4, PhotoCount: 3,
        Clusters: [
            new ClusterReportEntry(1, 2, Face(0, "/photos/a.jpg"), ["/photos/a.jpg", "/photos/c.jpg"], [Face(0, "/photos/a.jpg"), Face(2, "/photos/c.jpg")]),
            new ClusterReportEntry(2, 1, Face(1, "/photos/b.jpg"), ["/photos/b.jpg"], [Face(1, "/photos/b.jpg")]),
        ],
        Unclustered: [Face(3, "/photos/c.jpg")],
        Skipped: [new ClusterReportSkip("/photos/d.jpg", nameof(SkipReason.NoFace), "No face was found in '/photos/d.jpg'.")]);

    private async Task<string> SaveAsync(ClusterReport report, int embeddingRows = 4)
    {
        string path = Path.Combine(_folder, ClusterReport.FileName);
        await report.SaveAsync(path);
        using Tensor embeddings = tensor(Enumerable.Range(0, embeddingRows * 3).Select(value => (float)value).ToArray()).view(embeddingRows, 3);
        SafeTensors.Save(Path.Combine(_folder, report.Embeddings), new Dictionary<string, Tensor> { [FaceEmbeddingSet.EmbeddingsKey] = embeddings });
        return path;
    }

    private string Names(string text)
    {
        string path = Path.Combine(_folder, "names.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task A_saved_report_reads_back_the_same_and_summarises_itself()
    {
        ClusterReport report = Report();
        string path = await SaveAsync(report);

        ClusterReport read = await ClusterReport.ReadAsync(path);

        read.Should().BeEquivalentTo(report);
        File.ReadAllText(path).Should().Contain("\"clusters\": [").And.NotContain("summary", "the summary is worked out, not stored");
        read.Summary.Should().Be("4 faces in 3 photos: 2 clusters of 1 face or more, 1 face unclustered (face-api-resnet, euclidean below 0.6).");
    }

    [Fact]
    public async Task A_missing_or_foreign_file_is_a_cluster_report_exception_naming_it()
    {
        string missing = Path.Combine(_folder, "none.json");
        string foreign = Path.Combine(_folder, "foreign.json");
        File.WriteAllText(foreign, "{\"hello\": 1}");
        string broken = Path.Combine(_folder, "broken.json");
        File.WriteAllText(broken, "{ not json");

        (await FluentActions.Awaiting(() => ClusterReport.ReadAsync(missing)).Should().ThrowAsync<ClusterReportException>())
            .Which.Should().Match<ClusterReportException>(e => e.Path == missing && e.Message == $"{missing}: no such file.");
        (await FluentActions.Awaiting(() => ClusterReport.ReadAsync(foreign)).Should().ThrowAsync<ClusterReportException>())
            .WithMessage($"{foreign}: not a cluster report (model, crop geometry, embeddings or clusters missing*");
        (await FluentActions.Awaiting(() => ClusterReport.ReadAsync(broken)).Should().ThrowAsync<ClusterReportException>())
            .WithMessage($"{broken}: not a cluster report (*");
    }

    [Fact]
    public void Names_are_read_in_file_order_and_every_malformed_line_is_refused_with_its_number()
    {
        ClusterReport report = Report();

        ClusterNames.Read(Names("cluster,name\n2,Grace Hopper\n1,\"Lovelace, Ada\"\n"), report)
            .Should().Equal(new NamedCluster(2, "Grace Hopper"), new NamedCluster(1, "Lovelace, Ada"));
        FluentActions.Invoking(() => ClusterNames.Read(Names("id,name\n1,A\n"), report)).Should().Throw<ClusterReportException>()
            .WithMessage("*the header must be 'cluster,name'; it is 'id,name'.");
        FluentActions.Invoking(() => ClusterNames.Read(Names("cluster,name\n1,A\n99,Nobody\n"), report)).Should().Throw<ClusterReportException>()
            .WithMessage("*line 3 names cluster 99, which the cluster report does not hold (its clusters are 1 to 2*");
        FluentActions.Invoking(() => ClusterNames.Read(Names("cluster,name\n1,A\n1,B\n"), report)).Should().Throw<ClusterReportException>()
            .WithMessage("*cluster 1 is named twice.");
        FluentActions.Invoking(() => ClusterNames.Read(Names("cluster,name\none,A\n"), report)).Should().Throw<ClusterReportException>()
            .WithMessage("*line 2 must be a cluster id and a name*");
        FluentActions.Invoking(() => ClusterNames.Read(Names("cluster,name\n"), report)).Should().Throw<ClusterReportException>()
            .WithMessage("*names no cluster*");
    }

    [Fact]
    public async Task Named_clusters_are_enrolled_one_identity_per_name_and_unnamed_ones_are_left_out()
    {
        ClusterReport report = Report();
        string path = await SaveAsync(report);
        using ClusterEmbeddings embeddings = ClusterEmbeddings.Open(path, report);
        using var gallery = new InMemoryFaceGallery(embeddings.DescriptorFor(DistanceMetric.Euclidean));

        int faces = await embeddings.EnrollAsync(gallery, [new NamedCluster(1, "Ada")]);

        faces.Should().Be(2);
        embeddings.EmbeddingSize.Should().Be(3);
        gallery.Descriptor.Should().Be(new GalleryDescriptor("face-api-resnet", 3, DistanceMetric.Euclidean, "dlib-aligned-150"));
        (await gallery.ListIdentitiesAsync()).Select(identity => (identity.Name, identity.FaceCount)).Should().Equal(("Ada", 2));
        // Row 2 of the file is [6, 7, 8]: the search finds it in Ada's faces, at distance 0.
        using Tensor query = tensor(new float[] { 6, 7, 8 }).view(1, 3);
        var found = await gallery.SearchAsync(query);
        found[0].Matches[0].Should().Match<IdentityMatch>(match => match.Identity == "Ada" && match.Distance == 0);
    }

    [Fact]
    public async Task Two_clusters_given_one_name_become_one_person()
    {
        ClusterReport report = Report();
        string path = await SaveAsync(report);
        using ClusterEmbeddings embeddings = ClusterEmbeddings.Open(path, report);
        using var gallery = new InMemoryFaceGallery(embeddings.DescriptorFor(DistanceMetric.Euclidean));

        int faces = await embeddings.EnrollAsync(gallery, [new NamedCluster(1, "Ada"), new NamedCluster(2, "Ada")]);

        faces.Should().Be(3);
        (await gallery.ListIdentitiesAsync()).Select(identity => (identity.Name, identity.FaceCount)).Should().Equal(("Ada", 3));
    }

    [Fact]
    public async Task Embeddings_that_are_missing_or_do_not_cover_the_faces_are_refused()
    {
        ClusterReport report = Report();
        string path = await SaveAsync(report, embeddingRows: 3);

        FluentActions.Invoking(() => ClusterEmbeddings.Open(path, report)).Should().Throw<ClusterReportException>()
            .WithMessage("*holds 3×3 embeddings, which do not cover the clusters' faces (rows up to 3)*");
        File.Delete(Path.Combine(_folder, report.Embeddings));
        FluentActions.Invoking(() => ClusterEmbeddings.Open(path, report)).Should().Throw<ClusterReportException>()
            .WithMessage("*its embeddings file '*' is missing*");
    }

    [Fact]
    public async Task Rows_are_enrolled_by_name_and_a_name_list_that_does_not_fit_is_refused()
    {
        using var gallery = new InMemoryFaceGallery(new GalleryDescriptor("m", 2));
        using Tensor rows = tensor(new float[] { 0, 0, 1, 1, 2, 2, 3, 3 }).view(4, 2);

        int faces = await gallery.EnrollRowsAsync(rows, ["b", null, "a", "b"]);

        faces.Should().Be(3);
        (await gallery.ListIdentitiesAsync()).Select(identity => (identity.Name, identity.FaceCount)).Should().BeEquivalentTo([("a", 1), ("b", 2)]);
        await FluentActions.Awaiting(() => gallery.EnrollRowsAsync(rows, ["a", "b"])).Should().ThrowAsync<ArgumentException>().WithParameterName("embeddings");
        await FluentActions.Awaiting(() => gallery.EnrollRowsAsync(rows, ["a", "", "b", "c"])).Should().ThrowAsync<ArgumentException>().WithParameterName("identities");
    }
}
