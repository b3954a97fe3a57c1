using FaceEmbeddings.Clustering;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Clustering;

public sealed class FaceClusteringTests
{
    private static FaceClusteringOptions Options(double threshold = 0.6, int seed = 0) =>
        new() { Threshold = new VerificationThreshold(threshold, DistanceMetric.Euclidean, "test"), Seed = seed };

    [Fact]
    public void Well_separated_people_come_out_as_one_cluster_each()
    {
        // 16-d centres about 5.7 apart; faces 0.05 per value around them, about 0.28 from each other.
        var (embeddings, people) = SyntheticFaces.Clustered(people: 6, facesEach: 12, features: 16, spread: 0.05, seed: 1);
        using (embeddings)
        {
            FaceClusterResult result = FaceClustering.Cluster(embeddings, Options());

            result.Clusters.Should().HaveCount(6);
            result.Singletons.Should().BeEmpty();
            ClusterAgreement.AdjustedRandIndex(people, result.Labels).Should().Be(1.0);
            result.Clusters.Should().OnlyContain(cluster => cluster.Count == 12);
            result.Clusters.Select(cluster => cluster.Id).Should().Equal(0, 1, 2, 3, 4, 5);
            foreach (FaceCluster cluster in result.Clusters)
            {
                cluster.Members.Should().BeInAscendingOrder().And.OnlyContain(face => result.Labels[face] == cluster.Id);
                cluster.Members.Should().Contain(cluster.Central);
            }
            result.Edges.Should().Be(6 * (12 * 11 / 2), "every pair of faces of one person, and no other, is closer than 0.6");
        }
    }

    [Fact]
    public void Noise_points_far_from_everyone_are_singletons_and_the_largest_cluster_comes_first()
    {
        var (people, identities) = SyntheticFaces.Clustered(people: 3, facesEach: 10, features: 16, spread: 0.05, seed: 2);
        using (people)
        {
            // Three more faces of the last person make it the largest; five lone faces, far from all and from each other.
            using var generator = new Generator(3);
            using Tensor extra = people.narrow(0, 20, 3).clone();
            using Scalar far = 10;
            using Tensor noise = randn([5, 16], generator: generator).mul_(far);
            using Tensor embeddings = cat(new[] { people, extra, noise }, 0);

            FaceClusterResult result = FaceClustering.Cluster(embeddings, Options());

            result.Clusters.Select(cluster => cluster.Count).Should().Equal(13, 10, 10, 1, 1, 1, 1, 1);
            result.Clusters[0].Members.Should().Equal(Enumerable.Range(20, 10).Concat(Enumerable.Range(30, 3)));
            result.Clusters[1].Members.Should().Equal(Enumerable.Range(0, 10), "equal sizes go by their first face");
            result.Singletons.Should().Equal(33, 34, 35, 36, 37);
            int[] truth = identities.Concat([2, 2, 2]).Concat(Enumerable.Range(100, 5)).ToArray();
            ClusterAgreement.AdjustedRandIndex(truth, result.Labels).Should().Be(1.0);
        }
    }

    [Fact]
    public void Two_touching_people_bridged_by_two_faces_stay_apart()
    {
        // Two tight groups of 20 whose centres are 1.0 apart (no edge between them), and two bridge faces on the line
        // between the centres, 0.45 from their own centre and 0.55 from the other: each bridge joins all 40 faces.
        const int features = 8, each = 20;
        var random = new Random(4);
        var values = new List<float>();
        foreach (float centre in new[] { 0f, 1f })
            for (int face = 0; face < each; face++)
                values.AddRange(Enumerable.Range(0, features).Select(value => (value == 0 ? centre : 0f) + 0.005f * (float)(random.NextDouble() - 0.5)));
        foreach (float position in new[] { 0.45f, 0.55f })
            values.AddRange(Enumerable.Range(0, features).Select(value => value == 0 ? position : 0f));
        using Tensor faces = tensor(values.ToArray(), [2 * each + 2, features]);

        for (int seed = 0; seed < 5; seed++)
        {
            FaceClusterResult result = FaceClustering.Cluster(faces, Options(seed: seed));

            int firstLabel = result.Labels[0], secondLabel = result.Labels[each];
            firstLabel.Should().NotBe(secondLabel, $"seed {seed}: the bridges must not merge the two people");
            result.Labels.Take(each).Should().OnlyContain(label => label == firstLabel, $"seed {seed}");
            result.Labels.Skip(each).Take(each).Should().OnlyContain(label => label == secondLabel, $"seed {seed}");
            result.Labels.Skip(2 * each).Should().OnlyContain(label => label == firstLabel || label == secondLabel, $"seed {seed}: a bridge joins one of them");
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_clusters()
    {
        // Noisy enough that the walk's order matters: spread 0.12 per value puts faces of one person about 0.68 apart on
        // average in 16-d, so each person's graph is far from complete.
        var (embeddings, _) = SyntheticFaces.Clustered(people: 20, facesEach: 15, features: 16, spread: 0.12, seed: 5);
        using (embeddings)
        {
            FaceClusterResult first = FaceClustering.Cluster(embeddings, Options(seed: 7));
            FaceClusterResult again = FaceClustering.Cluster(embeddings, Options(seed: 7));

            again.Labels.Should().Equal(first.Labels);
            again.Clusters.Select(cluster => cluster.Central).Should().Equal(first.Clusters.Select(cluster => cluster.Central));
            again.Passes.Should().Be(first.Passes);
        }
    }

    [Fact]
    public void The_central_face_is_the_one_nearest_the_cluster_mean()
    {
        // A plus sign: the middle face is at the mean of the five.
        float[] values = [0.2f, 0, 0.1f, 0, 0.3f, 0, 0.2f, 0.1f, 0.2f, -0.1f];
        using Tensor embeddings = tensor(values, [5, 2]);
        FaceClusterResult result = FaceClustering.Cluster(embeddings, Options());

        result.Clusters.Should().ContainSingle().Which.Central.Should().Be(0);
    }

    [Fact]
    public void A_model_without_a_known_threshold_and_bad_embeddings_are_refused()
    {
        FluentActions.Invoking(() => FaceClusteringOptions.ForModel("casia-webface"))
            .Should().Throw<ArgumentException>().WithMessage("*No default Euclidean threshold*casia-webface*");
        FaceClusteringOptions.ForModel("face-api-resnet").Threshold.Distance.Should().Be(0.6);

        using Tensor withNaN = tensor(new[] { 0f, float.NaN, 1f, 2f }, [2, 2]);
        FluentActions.Invoking(() => FaceClustering.Cluster(withNaN, Options()))
            .Should().Throw<ArgumentException>().WithMessage("*NaN*");
        using Tensor vector = zeros(4);
        FluentActions.Invoking(() => FaceClustering.Cluster(vector, Options()))
            .Should().Throw<ArgumentException>().WithMessage("*2-D*");
        using Tensor fine = zeros(2, 2);
        FluentActions.Invoking(() => FaceClustering.Cluster(fine, Options() with { Neighbours = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Neighbours");
    }

    [Fact]
    public void A_person_with_many_more_faces_than_neighbours_searched_stays_one_cluster()
    {
        // 64 neighbours per face (the default), 400 faces per person, all closer than the threshold: each face is joined
        // to a sixth of its own, which still hold the person together, and never to another person.
        var (embeddings, people) = SyntheticFaces.Clustered(people: 3, facesEach: 400, features: 128, spread: 0.02, seed: 6);
        using (embeddings)
        {
            FaceClusterResult result = FaceClustering.Cluster(embeddings, Options());

            result.Clusters.Should().HaveCount(3);
            ClusterAgreement.AdjustedRandIndex(people, result.Labels).Should().Be(1.0);
            result.Edges.Should().BeLessThanOrEqualTo(3 * 400 * 64, "each face brings at most its 64 nearest neighbours")
                .And.BeGreaterThanOrEqualTo(3 * 400 * 64 / 2, "and is joined to all of them");
        }
    }

    [Fact]
    public void Unit_embeddings_cluster_under_the_cosine_distance_of_facenets_threshold()
    {
        // FaceNet-like: unit rows, people's centres nearly orthogonal in 64-d, faces within cosine distance ~0.05.
        var (raw, people) = SyntheticFaces.Clustered(people: 5, facesEach: 8, features: 64, spread: 0.04, seed: 8);
        using (raw)
        {
            using Tensor norms = raw.norm(1, keepdim: true);
            using Tensor embeddings = raw.div(norms);
            FaceClusterResult result = FaceClustering.Cluster(embeddings, FaceClusteringOptions.ForModel("vggface2", DistanceMetric.Cosine));

            result.Clusters.Should().HaveCount(5);
            ClusterAgreement.AdjustedRandIndex(people, result.Labels).Should().Be(1.0);
        }
    }

    [Fact]
    public void A_single_face_is_one_singleton_cluster()
    {
        using Tensor one = ones(1, 4);
        FaceClusterResult result = FaceClustering.Cluster(one, Options());

        result.Labels.Should().Equal(0);
        result.Clusters.Should().ContainSingle().Which.Should().BeEquivalentTo(new FaceCluster(0, [0], 0));
        result.Singletons.Should().Equal(0);
    }

    [Fact]
    public void A_doubtful_detection_joins_no_one_even_when_its_embedding_is_close()
    {
        // Five faces of one person, all within 0.3 of each other; face 1 a hand MTCNN is 93 % sure of, face 3 a 15-pixel
        // face cut by the border: both stay alone, the other three form the cluster.
        var (embeddings, _) = SyntheticFaces.Clustered(people: 1, facesEach: 5, features: 16, spread: 0.05, seed: 4);
        DetectedFace Face(float side, float probability) =>
            new(new BoundingBox(10, 10, 10 + side, 10 + side), probability, Enumerable.Repeat(new FacePoint(20, 20), DetectedFace.LandmarkCount).ToArray());
        DetectedFace[] detections = [Face(80, 0.999f), Face(90, 0.93f), Face(60, 0.97f), Face(15, 0.99f), Face(50, 0.95f)];
        var faces = detections.Select((face, i) => new EmbeddedFace(new FaceDatasetItem($"photo-{i}.jpg", FaceLabels.Of("person", "a")), 0, face)).ToArray();
        using var set = new FaceEmbeddingSet("synthetic", ["person"], faces, embeddings, [], null, []);

        FaceClusterResult result = FaceClustering.Cluster(set, Options());
        FaceClusterResult everyone = FaceClustering.Cluster(set, Options() with { MinProbability = 0, MinFaceSide = 0 });

        result.Clusters[0].Members.Should().Equal(0, 2, 4);
        result.Singletons.Should().Equal(1, 3);
        everyone.Clusters.Should().ContainSingle().Which.Members.Should().Equal(0, 1, 2, 3, 4);
    }

    [Fact]
    public void A_face_is_doubtful_below_the_probability_or_the_side_and_not_at_them()
    {
        FaceClusteringOptions options = Options();
        DetectedFace Face(float width, float height, float probability) =>
            new(new BoundingBox(0, 0, width, height), probability, Enumerable.Repeat(new FacePoint(1, 1), DetectedFace.LandmarkCount).ToArray());

        options.IsDoubtful(Face(20, 30, 0.95f)).Should().BeFalse();
        options.IsDoubtful(Face(30, 19.5f, 0.99f)).Should().BeTrue();
        options.IsDoubtful(Face(100, 100, 0.9499f)).Should().BeTrue();
        Action invalid = () => (options with { MinProbability = 1.01f }).Validate();
        invalid.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(FaceClusteringOptions.MinProbability));
        Action negative = () => (options with { MinFaceSide = -1 }).Validate();
        negative.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(FaceClusteringOptions.MinFaceSide));
    }
}
