using FaceEmbeddings.Imaging;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>Fixture images at other sizes, as the tests and the benchmarks use them (the benchmarks compile this file).</summary>
internal static class PhotoSizes
{
    /// <summary><paramref name="source"/> resized to width × height with antialiased bilinear interpolation
    /// (a stand-in for a photo taken at that size); <paramref name="source"/> itself when it has that size.</summary>
    public static FaceImage Resized(FaceImage source, int width, int height)
    {
        if (source.Width == width && source.Height == height) return source;
        using var scope = NewDisposeScope();
        Tensor pixels = source.ToTensor().permute(2, 0, 1).unsqueeze(0).to(ScalarType.Float32);
        Tensor resized = nn.functional.interpolate(pixels, new long[] { height, width }, mode: InterpolationMode.Bilinear,
            align_corners: false, antialias: true);
        byte[] rgb = resized.round().clamp(tensor(0f), tensor(255f)).to(ScalarType.Byte).squeeze(0).permute(1, 2, 0).contiguous().data<byte>().ToArray();
        return FaceImage.FromRgb(rgb, width, height);
    }
}
