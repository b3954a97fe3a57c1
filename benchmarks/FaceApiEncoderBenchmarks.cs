using BenchmarkDotNet.Attributes;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Models.FaceApi;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Benchmarks;

/// <summary>
/// face-api's face-recognition network (<see cref="FaceApiEncoder"/>, the real weights of <c>models/face-api/</c>) on
/// random 150×150 faces at batch 1 and 16, in float32 and in bfloat16 (<see cref="EncoderPrecision"/>), and in the same run the machine's matrix-product ceiling: a
/// 2048×2048 float32 product (2 × 2048³ floating-point operations). Op/s is faces per second for the encoder; the
/// encoder's GFLOP/s is faces/s × <see cref="FaceRecognitionNet.MultiplyAddsPerFace"/> × 2, printed at set-up.
/// </summary>
[Config(typeof(QuickConfig))]
public class FaceApiEncoderBenchmarks
{
    private FaceApiEncoder encoder = null!;
    private Tensor faces1 = null!, faces16 = null!;
    private Tensor left = null!, right = null!;

    /// <summary>Element type of the convolutions (the matrix-product ceiling is float32 either way).</summary>
    [Params(EncoderPrecision.Full, EncoderPrecision.BFloat16)]
    public EncoderPrecision Precision { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        encoder = BenchmarkInputs.CreateFaceApiEncoder(new FaceApiEncoderOptions { Precision = Precision });
        var generator = new Generator(seed: 8);
        using (NewDisposeScope())
        {
            using var brightest = 255f.ToScalar();
            faces16 = rand([16, 3, 150, 150], generator: generator).mul_(brightest).DetachFromDisposeScope();
            faces1 = faces16[..1].contiguous().DetachFromDisposeScope();
            left = rand([2048, 2048], generator: generator).DetachFromDisposeScope();
            right = rand([2048, 2048], generator: generator).DetachFromDisposeScope();
        }
        Console.WriteLine($"// face-api ResNet: {FaceRecognitionNet.MultiplyAddsPerFace:N0} multiply-adds = "
            + $"{2.0 * FaceRecognitionNet.MultiplyAddsPerFace / 1e9:F3} GFLOP per face; MatMul2048 = {2.0 * 2048 * 2048 * 2048 / 1e9:F3} GFLOP; "
            + $"libtorch threads {get_num_threads()}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        encoder.Dispose();
        faces1.Dispose();
        faces16.Dispose();
        left.Dispose();
        right.Dispose();
    }

    [Benchmark(OperationsPerInvoke = 1)]
    public void Batch1() => Embed(faces1);

    [Benchmark(OperationsPerInvoke = 16)]
    public void Batch16() => Embed(faces16);

    /// <summary>The ceiling: one 2048² float32 matrix product per operation.</summary>
    [Benchmark(OperationsPerInvoke = 1)]
    public void MatMul2048()
    {
        using Tensor product = left.matmul(right);
    }

    private void Embed(Tensor faces)
    {
        using Tensor descriptors = encoder.EmbedPixels(faces);
    }
}
