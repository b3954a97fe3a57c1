using BenchmarkDotNet.Attributes;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Benchmarks;

/// <summary>
/// Reading the fixture encoder checkpoint (irv1-random-fp16.pt, a zip checkpoint of float16 tensors) with
/// <see cref="TorchCheckpoint.Load(string)"/>, beside reading its bytes as the floor set by the disk and page cache.
/// </summary>
[Config(typeof(QuickConfig))]
public class CheckpointBenchmarks
{
    private string path = null!;

    [GlobalSetup]
    public void Setup() => path = SharedData.PathOf(BenchmarkInputs.EncoderCheckpoint);

    [Benchmark(Baseline = true)]
    public int ReadAllBytes() => File.ReadAllBytes(path).Length;

    [Benchmark]
    public int LoadCheckpoint()
    {
        using StateDictionary stateDict = TorchCheckpoint.Load(path);
        return stateDict.Count;
    }
}
