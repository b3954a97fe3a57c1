using System.Diagnostics;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Tests.Detection;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// Detection, encoding, the metrics and the bias audit, called in a loop while another thread forces garbage
/// collections (generation 0: cheap, so hundreds a second) and waits for the finalizers, without pause. A TorchSharp <c>Scalar</c> (or any other native handle) that
/// the library lets become unreachable while libtorch still reads it is then freed during the native call, and the
/// call fails with "Unknown scalar type", a <c>toFloat</c> error or a fault, as it did at random in CI.
/// </summary>
[Collection(FaceNetTestGroup.Name)]
public sealed class GarbageCollectionStressTests(FaceNetReference reference, ITestOutputHelper output)
{
    /// <summary>How long the loop runs: long enough for many thousand native calls on 2 cores, short enough for CI.</summary>
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("FACEEMBEDDINGS_GC_STRESS_SECONDS"), out double seconds) ? seconds : 15);

    [Fact(Timeout = 300_000)]
    public async Task The_library_survives_garbage_collections_during_its_native_calls()
    {
        using var detector = MtcnnFixture.CreateDetector(new MtcnnOptions { KeepAll = true, WorkerThreads = 0 });
        FaceEncoderInputs inputs = FaceEncoderInputs.Load();
        FaceNetEncoder encoder = reference.Encoder;
        var failures = new List<string>();
        var counts = new Dictionary<string, int>();
        using var collector = new GarbageCollectorThread();

        await Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            for (int round = 0; clock.Elapsed < Duration; round++)
            {
                // Small inputs: many native calls a second, each a chance for a collection to strike.
                Attempt("metrics", failures, counts, () => Metrics(round));
                Attempt("audit", failures, counts, () => Audit(round));
                if (round % 20 == 0)
                    Attempt("detection and encoding", failures, counts, () => DetectAndEncode(detector, encoder, inputs.Images[round / 20 % inputs.Images.Length]));
            }
        });
        collector.Stop();
        inputs.Dispose();

        output.WriteLine($"{Duration.TotalSeconds:F0} s: {string.Join(", ", counts.Select(entry => $"{entry.Value} {entry.Key} rounds"))}, "
            + $"{collector.Collections} forced collections, {failures.Count} failures");
        foreach (string failure in failures.Take(5)) output.WriteLine(failure);
        failures.Should().BeEmpty("a collection during a native call must not free what the call reads");
        collector.Collections.Should().BeGreaterThan(100, "the collector thread must have run during the loop");
    }

    private static void Attempt(string name, List<string> failures, Dictionary<string, int> counts, Action work)
    {
        try
        {
            work();
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failures.Add($"{name}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }
    }

    private static void Metrics(int round)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)round);
        Tensor x = randn(new long[] { 12, 4 }, ScalarType.Float32, generator: generator);
        string[] groups = [.. Enumerable.Range(0, 12).Select(i => i % 3 == 0 ? "a" : "b")];
        foreach (DistanceMetric metric in Enum.GetValues<DistanceMetric>())
        {
            Distances.Pairwise(x, metric: metric);
            Distances.Nearest(x, x, 3, metric: metric);
            using ClusterSummary summary = Clusters.Summarize(x, groups, metric);
        }
        Clusters.Centroid(x);
        Clusters.WithinSumOfSquares(x);
        using PcaModel pca = Pca.Fit(x, 2);
        pca.Transform(x);
        Pca.Fit(x, 2, new PcaOptions { Solver = PcaSolver.Randomized }).Dispose();
    }

    private static void Audit(int round)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)round + 1_000_000);
        Tensor x = nn.functional.normalize(randn(new long[] { 20, 4 }, ScalarType.Float32, generator: generator), dim: 1);
        string[] groups = [.. Enumerable.Range(0, 20).Select(i => i % 5 == 0 ? "c" : i % 2 == 0 ? "a" : "b")];
        BiasAudit.Run(x, groups);
    }

    private static void DetectAndEncode(MtcnnFaceDetector detector, FaceNetEncoder encoder, FaceImage image)
    {
        using var scope = NewDisposeScope();
        using FaceCropBatch crops = detector.DetectAndExtract(image);
        if (crops.Count > 0) encoder.Embed(crops);
    }

    /// <summary>The fixture photos the loop detects in: one with six faces, a portrait and noise.</summary>
    private sealed class FaceEncoderInputs : IDisposable
    {
        private FaceEncoderInputs(FaceImage[] images) => Images = images;

        public FaceImage[] Images { get; }

        private static readonly string[] Names = ["multiface", "angelina_jolie", "noise"];

        public static FaceEncoderInputs Load() => new([.. Names
            .Select(name => FaceImage.Load(SharedData.PathOf($"fixtures/images/{name}.png")))]);

        public void Dispose()
        {
            foreach (FaceImage image in Images) image.Dispose();
        }
    }

    /// <summary>
    /// A background thread that forces generation-0 collections and waits for the finalizers, without pause. Gen-0 is
    /// enough (a temporary Scalar dies young) and fast; waiting for the finalizers gives them the core at once, which
    /// is what frees a dead Scalar while the call that reads it is still running.
    /// </summary>
    private sealed class GarbageCollectorThread : IDisposable
    {
        private readonly Thread thread;
        private volatile bool stopping;
        private int collections;

        public GarbageCollectorThread()
        {
            thread = new Thread(Run) { IsBackground = true, Name = "GC stress" };
            thread.Start();
        }

        public int Collections => Volatile.Read(ref collections);

        private void Run()
        {
            while (!stopping)
            {
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        }

        public void Stop()
        {
            stopping = true;
            thread.Join();
        }

        public void Dispose() => Stop();
    }
}
