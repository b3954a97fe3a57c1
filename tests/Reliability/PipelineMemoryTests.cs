using System.Diagnostics;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Detection;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using SkiaSharp;
using TorchSharp;
using Xunit.Abstractions;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// 2,000 decode-detect-crop-embed iterations in one process: after a warm-up, the tensors alive on the thread and the
/// process's resident memory (after a full garbage collection) stay flat. A tensor left undisposed per iteration, the
/// usual TorchSharp leak, would add 1,800 live tensors and megabytes of native memory.
/// </summary>
[Collection(WholeProcessTestGroup.Name)]
public sealed class PipelineMemoryTests(ITestOutputHelper output)
{
    private const int Iterations = 2000;
    private const int WarmUp = 200;
    private const int SampleEvery = 200;

    [Fact(Timeout = 900_000)]
    public async Task Two_thousand_detect_and_embed_iterations_leave_memory_and_live_tensors_flat()
    {
        // One thread throughout: the live-tensor count is per thread.
        var outcome = await Task.Factory.StartNew(Run, TaskCreationOptions.LongRunning);

        output.WriteLine($"{Iterations} iterations in {outcome.Elapsed.TotalSeconds:F0} s ({outcome.Elapsed.TotalMilliseconds / Iterations:F0} ms each)");
        output.WriteLine($"live tensors after warm-up {outcome.LiveAfterWarmUp}, at the end {outcome.LiveAtEnd}");
        output.WriteLine("resident MB every " + SampleEvery + " iterations after warm-up: "
            + string.Join(", ", outcome.ResidentBytes.Select(bytes => (bytes / 1e6).ToString("F1", System.Globalization.CultureInfo.InvariantCulture))));

        outcome.FacesFound.Should().Be(Iterations, "every iteration finds and embeds the portrait's face");
        outcome.LiveAtEnd.Should().Be(outcome.LiveAfterWarmUp, "no iteration may leave a tensor alive");
        outcome.ResidentBytes.Max().Should().BeLessThanOrEqualTo((long)(outcome.ResidentBytes[0] * 1.05),
            "resident memory must stay within 5 % of its level after warm-up");
    }

    private static MemoryOutcome Run()
    {
        // libtorch's intra-op threads spin while they wait for each other, which on a busy machine costs ten times the
        // work itself; one thread keeps the cost of 2,000 iterations predictable. The options keep each iteration
        // small (a 40-pixel minimum face prunes the pyramid of this 162×200 portrait; 96-pixel crops) while it still
        // runs every stage: decode, pyramid, P-, R- and O-Net, crop, embedding.
        using IDisposable threadCount = WholeProcessTestGroup.LibTorchThreads(1);
        return Run(new MtcnnOptions { MinFaceSize = 40, ImageSize = 96 });
    }

    private static MemoryOutcome Run(MtcnnOptions options)
    {
        using MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(options);
        using FaceNetEncoder encoder = FaceNetEncoder.FromFile(SharedData.PathOf(FaceNetReference.CheckpointPath));
        byte[] jpeg = EncodedPortrait.Encode(SKEncodedImageFormat.Jpeg, 90);
        using var process = Process.GetCurrentProcess();
        var outcome = new MemoryOutcome();
        var clock = Stopwatch.StartNew();
        for (int iteration = 1; iteration <= Iterations; iteration++)
        {
            using (FaceImage image = FaceImage.Load(new MemoryStream(jpeg)))
            {
                if (FacePipelineRun.Of(image, detector, encoder).Embeddings.Length == encoder.EmbeddingSize)
                    outcome.FacesFound++;
            }
            if (iteration == WarmUp)
                outcome.LiveAfterWarmUp = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            if (iteration >= WarmUp && iteration % SampleEvery == 0)
                outcome.ResidentBytes.Add(ResidentBytes(process));
        }
        outcome.Elapsed = clock.Elapsed;
        outcome.LiveAtEnd = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        return outcome;
    }

    private static long ResidentBytes(Process process)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        process.Refresh();
        return process.WorkingSet64;
    }

    private sealed class MemoryOutcome
    {
        public int FacesFound { get; set; }

        public long LiveAfterWarmUp { get; set; }

        public long LiveAtEnd { get; set; }

        public List<long> ResidentBytes { get; } = [];

        public TimeSpan Elapsed { get; set; }
    }
}
