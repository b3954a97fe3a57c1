using BenchmarkDotNet.Attributes;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Benchmarks;

/// <summary>
/// The whole pipeline from encoded file bytes to embeddings: decode (<see cref="FaceImage.Load(Stream, FaceImageOptions?)"/>),
/// MTCNN detection, 160×160 crops, InceptionResnetV1 embeddings. The single-face case is kate_siegel.png (558×800, the
/// largest face kept, facenet-pytorch's default), comparable with facenet-pytorch's detect + embed; the group case is
/// multiface.png (1200×630) with every face kept. Op/s is images per second.
/// </summary>
[Config(typeof(QuickConfig))]
public class PipelineBenchmarks
{
    private MtcnnFaceDetector singleFaceDetector = null!, allFacesDetector = null!;
    private FaceNetEncoder encoder = null!;
    private byte[] portraitPng = null!, groupPng = null!;

    [GlobalSetup]
    public void Setup()
    {
        singleFaceDetector = BenchmarkInputs.CreateDetector();
        allFacesDetector = BenchmarkInputs.CreateDetector(new MtcnnOptions { KeepAll = true });
        encoder = BenchmarkInputs.CreateEncoder();
        portraitPng = File.ReadAllBytes(SharedData.PathOf("fixtures/images/kate_siegel.png"));
        groupPng = File.ReadAllBytes(SharedData.PathOf("fixtures/images/multiface.png"));
        if (EmbedFaces(singleFaceDetector, portraitPng) != 1)
            throw new InvalidOperationException("kate_siegel.png should yield one face.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        singleFaceDetector.Dispose();
        allFacesDetector.Dispose();
        encoder.Dispose();
    }

    [Benchmark]
    public long PortraitToEmbedding558x800() => EmbedFaces(singleFaceDetector, portraitPng);

    [Benchmark]
    public long GroupToEmbeddings1200x630() => EmbedFaces(allFacesDetector, groupPng);

    /// <summary>Runs the pipeline on one encoded image; returns the number of faces embedded.</summary>
    private long EmbedFaces(MtcnnFaceDetector detector, byte[] encoded)
    {
        using var stream = new MemoryStream(encoded, writable: false);
        using FaceImage image = FaceImage.Load(stream);
        using FaceCropBatch crops = detector.DetectAndExtract(image);
        if (crops.Count == 0) return 0;
        using Tensor embeddings = encoder.Embed(crops);
        return embeddings.shape[0];
    }
}
