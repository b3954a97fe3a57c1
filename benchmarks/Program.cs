using BenchmarkDotNet.Running;
using FaceEmbeddings.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(QuickConfig).Assembly).Run(args, new QuickConfig());
