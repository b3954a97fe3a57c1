using BenchmarkDotNet.Running;
using FaceEmbeddings.Benchmarks;
using FaceEmbeddings.Runtime;

// As the faceembed tool runs: freed native memory is kept for reuse (see NativeHeap and benchmarks/README.md).
// FACEEMBEDDINGS_BENCH_DEFAULT_HEAP=1 measures with the C library's default policy instead.
if (Environment.GetEnvironmentVariable("FACEEMBEDDINGS_BENCH_DEFAULT_HEAP") != "1")
    Console.WriteLine($"// NativeHeap.RetainFreedMemory: {NativeHeap.RetainFreedMemory()}");
if (args.Length > 0 && args[0] == "gallery-scale")
    await GalleryScaleBenchmark.RunAsync(args);
else if (args.Length > 0 && args[0] == "cluster-scale")
    ClusterScaleBenchmark.Run(args);
else
    BenchmarkSwitcher.FromAssembly(typeof(SuiteConfig).Assembly).Run(args, new SuiteConfig());
