using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Benchmarks;

/// <summary>Models and images the benchmarks share, built from the shared fixtures.</summary>
internal static class BenchmarkInputs
{
    /// <summary>The fixture encoder checkpoint: random weights, the architecture (and cost) of VGGFace2's.</summary>
    public const string EncoderCheckpoint = "fixtures/inception_resnet_v1/irv1-random-fp16.pt";

    public static MtcnnFaceDetector CreateDetector(MtcnnOptions? options = null) =>
        MtcnnFaceDetector.FromFiles(
            SharedData.PathOf("models/mtcnn/pnet.pt"),
            SharedData.PathOf("models/mtcnn/rnet.pt"),
            SharedData.PathOf("models/mtcnn/onet.pt"),
            options);

    public static FaceNetEncoder CreateEncoder() => FaceNetEncoder.FromCheckpoint(SharedData.PathOf(EncoderCheckpoint));

    public static FaceImage LoadImage(string name) => FaceImage.Load(SharedData.PathOf($"fixtures/images/{name}"));

    /// <summary><paramref name="source"/> resized to width × height with antialiased bilinear interpolation
    /// (a stand-in for a photo taken at that size).</summary>
    public static FaceImage Resized(FaceImage source, int width, int height)
    {
        if (source.Width == width && source.Height == height) return source;
        using var scope = NewDisposeScope();
        Tensor pixels = source.ToTensor().permute(2, 0, 1).unsqueeze(0).to(ScalarType.Float32);
        Tensor resized = nn.functional.interpolate(pixels, new long[] { height, width }, mode: InterpolationMode.Bilinear,
            align_corners: false, antialias: true);
        byte[] rgb = resized.round().clamp(0, 255).to(ScalarType.Byte).squeeze(0).permute(1, 2, 0).contiguous().data<byte>().ToArray();
        return FaceImage.FromRgb(rgb, width, height);
    }
}
