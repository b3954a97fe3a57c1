using BenchmarkDotNet.Attributes;
using FaceEmbeddings.Encoding;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Benchmarks;

/// <summary>
/// InceptionResnetV1 embeddings of 160×160 standardized faces at batch 1, 16 and 64 (fused batch norms), in float32 and
/// in bfloat16 (<see cref="EncoderPrecision"/>).
/// Weights: the fixture checkpoint irv1-random-fp16.pt (random values, VGGFace2's architecture and cost).
/// Op/s is faces per second; Mean is the time per face.
/// </summary>
[Config(typeof(QuickConfig))]
public class EncoderBenchmarks
{
    private FaceNetEncoder encoder = null!;
    private Tensor faces1 = null!, faces16 = null!, faces64 = null!;

    /// <summary>Element type of the convolutions.</summary>
    [Params(EncoderPrecision.Full, EncoderPrecision.BFloat16)]
    public EncoderPrecision Precision { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        encoder = BenchmarkInputs.CreateEncoder(new FaceNetEncoderOptions { Precision = Precision });
        var generator = new Generator(seed: 8);
        using (NewDisposeScope())
        {
            using var two = 2f.ToScalar();
            using var one = 1f.ToScalar();
            faces64 = rand([64, 3, 160, 160], generator: generator).mul_(two).sub_(one).DetachFromDisposeScope(); // uniform in [−1, 1)
            faces16 = faces64[..16].contiguous().DetachFromDisposeScope();
            faces1 = faces64[..1].contiguous().DetachFromDisposeScope();
        }
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
