using FaceEmbeddings.Clustering;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FaceEmbeddings.Tests.Clustering;

/// <summary>
/// Clustering never builds the N × N distance matrix: the process's peak resident memory, reset just before, grows by a
/// small part of what that matrix alone would take. Run alone, so no other test's memory counts.
/// </summary>
[Collection(WholeProcessTestGroup.Name)]
public sealed class ClusteringMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Twenty_thousand_faces_cluster_in_a_small_part_of_the_dense_matrix_memory()
    {
        const int people = 2000, each = 10, faces = people * each;
        var (embeddings, identities) = SyntheticFaces.Clustered(people, each, features: 16, spread: 0.05, seed: 11);
        using (embeddings)
        {
            var options = new FaceClusteringOptions
            {
                Threshold = new VerificationThreshold(0.6, DistanceMetric.Euclidean, "test"),
                BlockBytes = 4L << 20,
            };
            long dense = (long)faces * faces * sizeof(float);
            GC.Collect();
            long before = ResetPeakResidentBytes();

            FaceClusterResult result = FaceClustering.Cluster(embeddings, options);

            long growth = PeakResidentBytes() - before;
            output.WriteLine($"{faces} faces: peak resident memory grew {growth / 1e6:F0} MB; the dense float32 matrix alone is {dense / 1e6:F0} MB");
            ClusterAgreement.AdjustedRandIndex(identities, result.Labels).Should().Be(1.0);
            growth.Should().BeLessThan(dense / 8, "the neighbours are searched in blocks of 4 MiB, not in an N × N matrix");
        }
    }

    /// <summary>Resets the kernel's peak resident set (VmHWM) to the current one and returns it, in bytes.</summary>
    private static long ResetPeakResidentBytes()
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        return PeakResidentBytes();
    }

    private static long PeakResidentBytes()
    {
        string line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
