using BenchmarkDotNet.Attributes;
using FaceEmbeddings.Metrics;
using static TorchSharp.torch;

namespace FaceEmbeddings.Benchmarks;

/// <summary>
/// The metrics at the sizes real audits reach (issue 6): all distances among 10,000 embeddings, the 5 nearest of
/// 10,000 queries in a 200,000-row gallery, and PCA of 100,000 embeddings. Inputs are random unit vectors of 512
/// features, float32 on the CPU, made once per benchmark process.
/// </summary>
/// <remarks>
/// Each operation takes seconds to a minute on two cores, so the class runs under <see cref="ScaleConfig"/> (one
/// warm-up and three measured invocations). The memory diagnoser's columns (<see cref="SuiteConfig"/>) count managed allocations only; tensors
/// live in native memory, so the class also prints the peak resident set of the process (VmHWM, inputs included)
/// when it ends: filter one case per run (<c>--filter '*Nearest*'</c>) for a per-case figure.
/// </remarks>
[Config(typeof(ScaleConfig))]
public class MetricsBenchmarks : IDisposable
{
    private const int Features = 512;

    private Tensor? embeddings;
    private Tensor? queries;
    private Tensor? gallery;
    private Tensor? population;

    [GlobalSetup(Target = nameof(Pairwise10000))]
    public void SetupPairwise() => embeddings = UnitRows(10_000, seed: 1);

    [GlobalSetup(Target = nameof(Nearest5Of10000In200000))]
    public void SetupNearest()
    {
        queries = UnitRows(10_000, seed: 2);
        gallery = UnitRows(200_000, seed: 3);
    }

    [GlobalSetup(Targets = [nameof(PcaExact100000), nameof(PcaRandomized100000)])]
    public void SetupPca() => population = UnitRows(100_000, seed: 4);

    [Benchmark(Description = "Pairwise 10,000×512")]
    public void Pairwise10000()
    {
        using var distances = Distances.Pairwise(embeddings!);
    }

    [Benchmark(Description = "Nearest k=5, 10,000 queries × 200,000 rows")]
    public void Nearest5Of10000In200000()
    {
        var (distances, indices) = Distances.Nearest(queries!, gallery!, k: 5);
        distances.Dispose();
        indices.Dispose();
    }

    [Benchmark(Description = "PCA exact, 100,000×512 → 2")]
    public void PcaExact100000()
    {
        using var model = Pca.Fit(population!, 2);
    }

    [Benchmark(Description = "PCA randomized, 100,000×512 → 2")]
    public void PcaRandomized100000()
    {
        using var model = Pca.Fit(population!, 2, new PcaOptions { Solver = PcaSolver.Randomized });
    }

    [GlobalCleanup]
    public void Dispose()
    {
        Console.WriteLine($"// Peak resident set of this benchmark process (VmHWM): {ProcessMemory.Mebibytes("VmHWM")} MiB");
        embeddings?.Dispose();
        queries?.Dispose();
        gallery?.Dispose();
        population?.Dispose();
        GC.SuppressFinalize(this);
    }

    private static Tensor UnitRows(long rows, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed, CPU);
        var x = randn([rows, Features], generator: generator);
        return x.div_(linalg.vector_norm(x, dims: [1], keepdim: true)).MoveToOuterDisposeScope();
    }
}
