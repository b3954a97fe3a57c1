using System.Diagnostics;
using System.Globalization;
using FaceEmbeddings.Recognition;
using static TorchSharp.torch;

namespace FaceEmbeddings.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks -- gallery-scale [faces]</c>: an <see cref="InMemoryFaceGallery"/> of
/// <c>faces</c> (default 1,000,000) synthetic 512-d float32 embeddings, 10 per identity, clustered (each face is its
/// identity's random unit centre plus noise, renormalized). Measures enrolment (one call per identity), memory, and
/// search latency p50/p99 for one query and for a batch of 100, next to this machine's limits measured in the same
/// run on the gallery's own tensor: one streaming pass over it (a sum) and the bare 100 × N × 512 matrix product.
/// A custom runner rather than BenchmarkDotNet: the setup alone takes as long as a BenchmarkDotNet job allows, and
/// percentiles of single searches are what the goals are about.
/// </summary>
internal static class GalleryScaleBenchmark
{
    private const int Features = 512, FacesPerIdentity = 10, BatchSize = 100;

    public static async Task RunAsync(string[] args)
    {
        long faces = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        long identities = faces / FacesPerIdentity;
        faces = identities * FacesPerIdentity;
        Console.WriteLine($"Gallery scale: {faces:N0} faces × {Features} float32, {identities:N0} identities × {FacesPerIdentity}; "
            + $"{get_num_threads()} libtorch threads, {Environment.ProcessorCount} processors");
        using var generator = new Generator(1, CPU);
        using var centres = UnitRows(randn([identities, Features], generator: generator));

        using var gallery = new InMemoryFaceGallery(new GalleryDescriptor("synthetic", Features),
            new InMemoryFaceGalleryOptions { InitialCapacity = faces });
        var enrol = Stopwatch.StartNew();
        for (long identity = 0; identity < identities; identity++)
        {
            using Tensor centre = centres[identity];
            using Tensor rows = Noisy(centre.expand(FacesPerIdentity, Features), generator);
            await gallery.EnrollAsync($"id{identity:D6}", rows);
        }
        enrol.Stop();
        Console.WriteLine($"Enrolment: {enrol.Elapsed.TotalSeconds:F1} s ({faces / enrol.Elapsed.TotalSeconds:N0} faces/s, one call per identity); "
            + $"resident set {ProcessMemory.Mebibytes("VmRSS")} MiB, peak {ProcessMemory.Mebibytes("VmHWM")} MiB "
            + $"(gallery tensor {faces * Features * 4 / (1 << 20):N0} MiB; centres {identities * Features * 4 / (1 << 20):N0} MiB are the benchmark's)");

        using var galleryRows = gallery.FacesView();
        double gigabytes = faces * Features * 4 / 1e9;
        double stream = Median(Times(5, () => { using var sum = galleryRows.sum(); sum.item<float>(); }));
        Console.WriteLine($"Memory read (sum over the gallery tensor, {gigabytes:F2} GB): {stream * 1e3:F0} ms = {gigabytes / stream:F1} GB/s");

        using var batch = Noisy(centres.index_select(0, randint(identities, [BatchSize], generator: generator)), generator);
        double product = Median(Times(3, () => { using var scores = mm(batch, galleryRows.t()); }));
        Console.WriteLine($"Bare product {BatchSize}×{faces:N0}×{Features}: {product * 1e3:F0} ms = {2.0 * BatchSize * faces * Features / product / 1e9:F0} GFLOP/s");

        using var single = batch.narrow(0, 0, 1);
        var options = new GallerySearchOptions { TopK = 1 };
        double[] one = Times(30, () => gallery.SearchAsync(single, options).GetAwaiter().GetResult());
        double[] hundred = Times(8, () => gallery.SearchAsync(batch, options).GetAwaiter().GetResult());
        Console.WriteLine($"Search 1 query, top-1 identity: p50 {Percentile(one, 50) * 1e3:F0} ms, p99 {Percentile(one, 99) * 1e3:F0} ms "
            + $"({one.Length} runs) → p50 / memory read = {Percentile(one, 50) / stream:F2} (goal ≤ 1.5)");
        Console.WriteLine($"Search {BatchSize} queries, top-1 identity: p50 {Percentile(hundred, 50) * 1e3:F0} ms, p99 {Percentile(hundred, 99) * 1e3:F0} ms "
            + $"({hundred.Length} runs) → p50 / bare product = {Percentile(hundred, 50) / product:F2} (goal ≤ 1.5)");
        Console.WriteLine($"Peak resident set: {ProcessMemory.Mebibytes("VmHWM")} MiB");
    }

    /// <summary>Each row plus Gaussian noise of norm about 0.6, renormalized: faces about 0.6 from their centre, as real
    /// same-person embeddings are (different identities lie about 1.4 apart).</summary>
    private static Tensor Noisy(Tensor centres, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var spread = tensor(0.6f / MathF.Sqrt(Features));
        return UnitRows(centres + randn(centres.shape, generator: generator).mul_(spread)).MoveToOuterDisposeScope();
    }

    private static Tensor UnitRows(Tensor rows) => rows.div_(linalg.vector_norm(rows, dims: [1], keepdim: true));

    private static double[] Times(int runs, Action action)
    {
        action();   // warm-up
        var seconds = new double[runs];
        for (int run = 0; run < runs; run++)
        {
            var watch = Stopwatch.StartNew();
            action();
            seconds[run] = watch.Elapsed.TotalSeconds;
        }
        return seconds;
    }

    private static double Median(double[] values) => Percentile(values, 50);

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(double[] values, double percent)
    {
        double[] sorted = [.. values.Order()];
        return sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
