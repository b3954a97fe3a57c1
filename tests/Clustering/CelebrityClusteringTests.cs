using FaceEmbeddings.Clustering;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Tests.Detection;
using FaceEmbeddings.Tests.FaceApi;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FaceEmbeddings.Tests.Clustering;

/// <summary>
/// The issue's quality goal on <c>data/celebrities</c> (118 photos of 5 people, one folder each) with face-api's real
/// network: the face of each photo (the largest confident one, as the command line picks it), cut as the encoder asks (<see cref="IFaceEncoder.Input"/>: the aligned chip),
/// clustered with Chinese Whispers below face-api's threshold (0.6), recovers the
/// people: adjusted Rand index at least 0.95, one pure large cluster per person.
/// </summary>
[Collection(FaceApiTestGroup.Name)]
public sealed class CelebrityClusteringTests(FaceApiReference reference, ITestOutputHelper output)
{
    [Fact]
    public async Task Chinese_whispers_below_face_apis_threshold_finds_the_five_celebrities()
    {
        FaceApiEncoder encoder = reference.Encoder;
        FaceDataset dataset = FaceDataset.FromImageFolder(SharedData.PathOf("data/celebrities"));
        dataset.Items.Should().HaveCount(118);
        using MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(encoder.Input.ApplyTo(new MtcnnOptions { Selection = FaceSelection.LargestConfident }));
        using FaceEmbeddingSet set = await dataset.EmbedAllAsync(detector, encoder);
        string[] people = set.GroupNames([FaceLabels.FolderKey]).ToArray();

        FaceClusterResult result = FaceClustering.Cluster(set, FaceClusteringOptions.ForModel("face-api-resnet"));

        double agreement = ClusterAgreement.AdjustedRandIndex(people, result.Labels);
        output.WriteLine($"{set.Faces.Count} faces of {people.Distinct().Count()} people: {result.Clusters.Count} clusters "
            + $"(sizes {string.Join(", ", result.Clusters.Select(cluster => cluster.Count))}), {result.Singletons.Count} singletons; ARI {agreement:F3}");
        foreach (FaceCluster cluster in result.Clusters.Where(cluster => cluster.Count > 1))
            output.WriteLine($"cluster {cluster.Id}: " + string.Join(", ", cluster.Members.GroupBy(face => people[face]).Select(group => $"{group.Key} {group.Count()} ({string.Join(" ", group.Take(3).Select(face => Path.GetFileName(set.Faces[face].Item.Path)))})")));

        set.Faces.Should().HaveCount(118, "every photo shows its person");
        agreement.Should().BeGreaterThanOrEqualTo(0.95);
        // Among clusters of five or more faces, each holds one person only, and each person has one.
        var large = result.Clusters.Where(cluster => cluster.Count >= 5).ToList();
        foreach (FaceCluster cluster in large)
            cluster.Members.Select(face => people[face]).Distinct().Should().HaveCount(1, $"cluster {cluster.Id} of {cluster.Count} faces is one person");
        large.Select(cluster => people[cluster.Members[0]]).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(people.Distinct());
    }
}
