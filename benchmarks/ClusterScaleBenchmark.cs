using System.Diagnostics;
using System.Globalization;
using FaceEmbeddings.Clustering;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks -- cluster-scale [faces …]</c>: <see cref="FaceClustering"/> of
/// synthetic 128-d embeddings shaped like face-api's (default 10,000 and 100,000 faces, 10 per person): each person a
/// centre N(0, 0.0625²) per value (people about 1.0 apart), each face its centre plus N(0, 0.025²) per value (faces of
/// one person about 0.4 apart), clustered below 0.6 as for face-api's descriptors. Reports the time of the clustering
/// after embedding (neighbour search and walk), the peak resident memory it added (Linux's VmHWM, reset before each
/// run), and the adjusted Rand index against the people. A custom runner rather than BenchmarkDotNet: one run at
/// 100,000 faces takes minutes, and its peak memory is the figure wanted.
/// </summary>
internal static class ClusterScaleBenchmark
{
    private const int Features = 128, FacesPerPerson = 10;

    public static void Run(string[] args)
    {
        int[] sizes = args.Length > 1 ? args.Skip(1).Select(size => int.Parse(size, CultureInfo.InvariantCulture)).ToArray() : [10_000, 100_000];
        Console.WriteLine($"Cluster scale: {Features}-d float32, {FacesPerPerson} faces per person, threshold 0.6; "
            + $"{get_num_threads()} libtorch threads, {Environment.ProcessorCount} processors");
        var options = new FaceClusteringOptions { Threshold = new VerificationThreshold(0.6, DistanceMetric.Euclidean, "face-api's 0.6") };
        foreach (int size in sizes)
        {
            int people = size / FacesPerPerson;
            using Tensor embeddings = Synthetic(people, seed: size);
            int[] truth = Enumerable.Range(0, people * FacesPerPerson).Select(face => face / FacesPerPerson).ToArray();
            GC.Collect();
            long before = ResetPeakResidentBytes();
            var watch = Stopwatch.StartNew();
            FaceClusterResult result = FaceClustering.Cluster(embeddings, options);
            watch.Stop();
            long added = PeakResidentBytes() - before;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{truth.Length:N0} faces: clustered in {watch.Elapsed.TotalSeconds:F2} s ({result.Passes} passes, {result.Edges:N0} edges); "
                + $"peak resident memory +{added / (1 << 20):N0} MiB over the {before / (1 << 20):N0} MiB before (embeddings {(long)truth.Length * Features * 4 / (1 << 20):N0} MiB); "
                + $"{result.Clusters.Count:N0} clusters, ARI {ClusterAgreement.AdjustedRandIndex(truth, result.Labels):F4}"));
        }
    }

    private static Tensor Synthetic(int people, int seed)
    {
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        using Scalar centreSpread = 0.0625, faceSpread = 0.025;
        var centres = randn([people, Features], generator: generator).mul_(centreSpread);
        return centres.repeat_interleave(FacesPerPerson, 0)
            .add_(randn([people * FacesPerPerson, Features], generator: generator).mul_(faceSpread), TorchScalars.One)
            .MoveToOuterDisposeScope();
    }

    /// <summary>Resets the kernel's peak resident set (VmHWM) to the current one and returns it, in bytes.</summary>
    private static long ResetPeakResidentBytes()
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        return PeakResidentBytes();
    }

    private static long PeakResidentBytes() =>
        long.Parse(ProcessMemory.Mebibytes("VmHWM"), CultureInfo.InvariantCulture) << 20;
}
