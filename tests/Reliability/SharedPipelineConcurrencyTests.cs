using System.Collections.Concurrent;
using System.Diagnostics;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// One <see cref="FaceEmbeddings.Detection.MtcnnFaceDetector"/> and one <see cref="FaceNetEncoder"/> shared by 8 threads × 50
/// detect-and-embed calls over four different faces: every call gives bit for bit what the same call gives alone.
/// </summary>
[Collection(FaceNetTestGroup.Name)]
public sealed class SharedPipelineConcurrencyTests(FaceNetReference reference, PortraitDetector detector, ITestOutputHelper output)
    : IClassFixture<PortraitDetector>
{
    private const int Threads = 8;
    private const int CallsPerThread = 50;

    [Fact(Timeout = 600_000)]
    public async Task Eight_threads_sharing_one_detector_and_one_encoder_get_the_sequential_results()
    {
        using var encoder = FaceNetEncoder.FromStateDict(reference.StateDictWithoutLogits);
        FaceImage[] images = [Portrait.Image(), .. UtkFaceChips(3)];
        try
        {
            // The first pass warms libtorch up (its first calls are slow); the second, timed, is the reference.
            FacePipelineRun[] warmUp = [.. images.Select(image => FacePipelineRun.Of(image, detector.Detector, encoder))];
            var clock = Stopwatch.StartNew();
            FacePipelineRun[] sequential = [.. images.Select(image => FacePipelineRun.Of(image, detector.Detector, encoder))];
            TimeSpan sequentialTime = clock.Elapsed;
            sequential.Should().OnlyContain(run => run.Embeddings.Length == encoder.EmbeddingSize, "each input shows one face");
            sequential.Zip(warmUp, (run, first) => run.IsIdenticalTo(first)).Should().OnlyContain(same => same, "a call alone is deterministic");

            clock.Restart();
            var failures = new ConcurrentQueue<string>();
            using var start = new Barrier(Threads);
            Thread[] threads = [.. Enumerable.Range(0, Threads).Select(thread => new Thread(() =>
            {
                start.SignalAndWait();
                for (int call = 0; call < CallsPerThread; call++)
                {
                    int input = (thread + call) % images.Length;
                    try
                    {
                        if (!FacePipelineRun.Of(images[input], detector.Detector, encoder).IsIdenticalTo(sequential[input]))
                            failures.Enqueue($"thread {thread}, call {call}: input {input} gave a different result");
                    }
                    catch (Exception e)
                    {
                        failures.Enqueue($"thread {thread}, call {call}: input {input} threw {e}");
                    }
                }
            }))];
            foreach (Thread thread in threads) thread.Start();
            await Task.Run(() => { foreach (Thread thread in threads) thread.Join(); });
            TimeSpan concurrentTime = clock.Elapsed;

            output.WriteLine($"{images.Length} sequential calls after warm-up: {sequentialTime.TotalSeconds:F1} s; "
                + $"{Threads} threads × {CallsPerThread} calls: {concurrentTime.TotalSeconds:F1} s, {failures.Count} failures");
            failures.Should().BeEmpty();
        }
        finally
        {
            foreach (FaceImage image in images) image.Dispose();
        }
    }

    /// <summary>The first <paramref name="count"/> UTKFace chips by name (200×200 JPEG, one face each).</summary>
    private static IEnumerable<FaceImage> UtkFaceChips(int count) =>
        Directory.GetFiles(SharedData.PathOf("data/utkface"), "*.jpg").Order(StringComparer.Ordinal).Take(count).Select(path => FaceImage.Load(path));
}
