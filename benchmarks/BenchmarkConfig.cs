using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace FaceEmbeddings.Benchmarks;

/// <summary>
/// A short job so that the whole suite runs in a few minutes: in-process (no per-benchmark rebuild), one launch,
/// two warm-up and six measured iterations. Throughput is the <c>Op/s</c> column: every benchmark sets
/// <c>OperationsPerInvoke</c> to the images or faces one call handles, so Op/s reads as images/s or faces/s and
/// Mean as the time per image or face.
/// </summary>
internal sealed class QuickConfig : ManualConfig
{
    public QuickConfig()
    {
        // Start from the defaults: console logger, exporters (Markdown, CSV, HTML under BenchmarkDotNet.Artifacts), columns.
        Add(DefaultConfig.Instance);
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(6)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(400))
            .WithId("Quick"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.OperationsPerSecond);
    }
}
