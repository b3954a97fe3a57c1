using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Datasets;
using FaceEmbeddings.Tests.Detection;
using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Tests.Plots;
using SkiaSharp;

namespace FaceEmbeddings.Tests.Cli;

public sealed class CropCommandTests : IDisposable
{
    private readonly DatasetFolder _input = new();
    private readonly string _output = Directory.CreateTempSubdirectory("faceembed-crops-").FullName;

    public void Dispose()
    {
        _input.Dispose();
        Directory.Delete(_output, recursive: true);
    }

    [Fact]
    public async Task Writes_each_face_crop_under_the_images_relative_path_and_skips_what_it_cannot_read()
    {
        string kit = _input.CopyPerson("kit_harington", "john2.jpeg", "kit/john2.jpeg");
        string rose = _input.CopyPerson("rose_leslie", "img2.jpg", "rose/img2.jpg");
        string truncated = _input.WriteTruncatedJpeg("rose/truncated.jpg");

        ToolRun run = await FaceEmbedTool.RunAsync("crop", _input.Root, "--out", _output, "--size", "80", "--margin", "10",
            "--models", SharedData.PathOf("models"));

        run.ExitCode.Should().Be(0, run.ToString());
        Directory.EnumerateFiles(_output, "*", SearchOption.AllDirectories).Select(path => Path.GetRelativePath(_output, path))
            .Should().BeEquivalentTo(Path.Combine("kit", "john2.png"), Path.Combine("rose", "img2.png"));
        run.ErrorLines.Should().Contain(line => line.StartsWith("faceembed: warning: skipped: ", StringComparison.Ordinal) && line.Contains(truncated));

        using var detector = MtcnnFixture.CreateDetector(new MtcnnOptions { ImageSize = 80, Margin = 10 });
        foreach (var (image, written) in new[] { (kit, "kit/john2.png"), (rose, "rose/img2.png") })
        {
            using FaceImage source = FaceImage.Load(image);
            using FaceCropBatch crops = detector.DetectAndExtract(source);
            FaceCrop crop = crops.Should().ContainSingle().Subject;
            using SKBitmap png = PngAssert.Decode(File.ReadAllBytes(Path.Combine(_output, written)), 80, 80);
            byte[] expected = crop.ToRgbBytes();
            for (int y = 0; y < 80; y += 7)
                for (int x = 0; x < 80; x += 7)
                {
                    SKColor pixel = png.GetPixel(x, y);
                    int at = (y * 80 + x) * 3;
                    new[] { pixel.Red, pixel.Green, pixel.Blue }.Should().Equal(expected[at..(at + 3)], $"{written} at ({x}, {y}) is the crop's pixel");
                }
        }
    }
}
