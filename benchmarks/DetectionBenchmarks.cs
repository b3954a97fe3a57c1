using BenchmarkDotNet.Attributes;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Benchmarks;

/// <summary>
/// MTCNN detection (facenet-pytorch defaults) at the sizes of the reference figures. 558×800 is kate_siegel.png
/// and 1200×630 is multiface.png as they are; 853×480 and 1920×1080 are multiface.png resized (16:9, so slightly
/// stretched), keeping its several faces. The batch is eight copies of the 853×480 image in one call.
/// </summary>
[Config(typeof(QuickConfig))]
public class DetectionBenchmarks
{
    private const int BatchSize = 8;

    private MtcnnFaceDetector detector = null!;
    private FaceImage image558x800 = null!, image853x480 = null!, image1200x630 = null!, image1920x1080 = null!;
    private FaceImage[] batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        detector = BenchmarkInputs.CreateDetector();
        image558x800 = BenchmarkInputs.LoadImage("kate_siegel.png");
        image1200x630 = BenchmarkInputs.LoadImage("multiface.png");
        image853x480 = PhotoSizes.Resized(image1200x630, 853, 480);
        image1920x1080 = PhotoSizes.Resized(image1200x630, 1920, 1080);
        batch = Enumerable.Repeat(image853x480, BatchSize).ToArray();
        if (detector.Detect(image1200x630).Count == 0)
            throw new InvalidOperationException("multiface.png yields no face: the benchmark would not exercise R-Net and O-Net.");
    }

    [GlobalCleanup]
    public void Cleanup() => detector.Dispose();

    [Benchmark]
    public IReadOnlyList<DetectedFace> Detect558x800() => detector.Detect(image558x800);

    [Benchmark]
    public IReadOnlyList<DetectedFace> Detect853x480() => detector.Detect(image853x480);

    [Benchmark]
    public IReadOnlyList<DetectedFace> Detect1200x630() => detector.Detect(image1200x630);

    [Benchmark]
    public IReadOnlyList<DetectedFace> Detect1920x1080() => detector.Detect(image1920x1080);

    /// <summary>Eight 853×480 images in one call; Op/s is images per second.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public IReadOnlyList<IReadOnlyList<DetectedFace>> DetectBatch8x853x480() => detector.Detect(batch);
}
