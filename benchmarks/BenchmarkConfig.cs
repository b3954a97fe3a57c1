using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace FaceEmbeddings.Benchmarks;

/// <summary>
/// What every benchmark class shares: the default exporters (Markdown, CSV, HTML under BenchmarkDotNet.Artifacts),
/// the memory diagnoser and the <c>Op/s</c> column. The job comes from the class: <see cref="QuickConfig"/> or
/// <see cref="ScaleConfig"/>.
/// </summary>
/// <remarks>
/// Every job runs in-process: BenchmarkDotNet's generated out-of-process project would not get the
/// libLibTorchSharp fix-up that <c>FaceEmbeddings.targets</c> applies to this project's output.
/// </remarks>
internal sealed class SuiteConfig : ManualConfig
{
    public SuiteConfig()
    {
        Add(DefaultConfig.Instance);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.OperationsPerSecond);
    }
}

/// <summary>
/// A short job for operations of milliseconds: one launch, two warm-up and ten measured iterations of at least
/// 400 ms (ten rather than fewer: on a shared cloud VM the spread between iterations is 5–15 %). Every benchmark sets <c>OperationsPerInvoke</c> to the images or faces one call handles, so Op/s reads
/// as images/s or faces/s and Mean as the time per image or face.
/// </summary>
internal sealed class QuickConfig : ManualConfig
{
    public QuickConfig() => AddJob(Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(2)
        .WithIterationCount(10)
        .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(400))
        .WithId("Quick"));
}

/// <summary>
/// A job for the Metrics scale cases, which take seconds to a minute each: every invocation measured on its own
/// (no pilot, no unrolling), one warm-up and three measured invocations, and an in-process time limit of 30
/// minutes instead of the toolchain's default 5.
/// </summary>
internal sealed class ScaleConfig : ManualConfig
{
    public ScaleConfig() => AddJob(Job.Default
        .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true))
        .WithStrategy(RunStrategy.Monitoring)
        .WithLaunchCount(1)
        .WithWarmupCount(1)
        .WithIterationCount(3)
        .WithId("Scale"));
}
