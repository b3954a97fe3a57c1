using BenchmarkDotNet.Attributes;
using FaceEmbeddings.Encoding;
using static TorchSharp.torch;

namespace FaceEmbeddings.Benchmarks;

/// <summary>
/// InceptionResnetV1 embeddings of 160×160 standardized faces at batch 1, 16 and 64 (float32, fused batch norms).
/// Weights: the fixture checkpoint irv1-random-fp16.pt (random values, VGGFace2's architecture and cost).
/// Op/s is faces per second; Mean is the time per face.
/// </summary>
[Config(typeof(QuickConfig))]
public class EncoderBenchmarks
{
    private FaceNetEncoder encoder = null!;
    private Tensor faces1 = null!, faces16 = null!, faces64 = null!;

    [GlobalSetup]
    public void Setup()
    {
        encoder = BenchmarkInputs.CreateEncoder();
        var generator = new Generator(seed: 8);
        faces64 = rand(new long[] { 64, 3, 160, 160 }, generator: generator) * 2 - 1;
        faces16 = faces64[..16].contiguous();
        faces1 = faces64[..1].contiguous();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        encoder.Dispose();
        faces1.Dispose();
        faces16.Dispose();
        faces64.Dispose();
    }

    [Benchmark(OperationsPerInvoke = 1)]
    public void Batch1() => Embed(faces1);

    [Benchmark(OperationsPerInvoke = 16)]
    public void Batch16() => Embed(faces16);

    [Benchmark(OperationsPerInvoke = 64)]
    public void Batch64() => Embed(faces64);

    private void Embed(Tensor faces)
    {
        using Tensor embeddings = encoder.Embed(faces);
    }
}
