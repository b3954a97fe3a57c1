using System.Globalization;
using System.Text.Json;
using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Tests.Plots;
using SkiaSharp;

namespace FaceEmbeddings.Tests.Cli;

public sealed class DetectCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("faceembed-detect-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Prints_every_face_as_facenet_pytorch_finds_it_and_draws_the_boxes()
    {
        string multiface = SharedData.PathOf("fixtures/images/multiface.png");
        string blank = SharedData.PathOf("fixtures/images/blank.png");
        string drawn = Path.Combine(_directory, "drawn");

        ToolRun run = await FaceEmbedTool.RunAsync("detect", multiface, blank, "--draw", drawn, "--models", SharedData.PathOf("models"));

        run.ExitCode.Should().Be(0, run.ToString());
        var rows = TableRows(run.Output);
        var expected = Fixture("images/multiface.png");
        var faces = rows.Where(row => row[0].EndsWith("multiface.png", StringComparison.Ordinal)).ToList();
        faces.Should().HaveCount(expected.Probabilities.Length);
        for (int i = 0; i < faces.Count; i++)
        {
            faces[i][1].Should().Be(i.ToString(CultureInfo.InvariantCulture));
            Parse(faces[i][2]).Should().BeApproximately(expected.Probabilities[i], 1e-4, "facenet-pytorch's probability (printed to 6 decimals)");
            for (int c = 0; c < 4; c++)
                Parse(faces[i][3 + c]).Should().BeApproximately(expected.Boxes[i][c], 0.55, "facenet-pytorch's box within 0.5 px (printed to 0.1 px)");
        }
        rows.Should().ContainSingle(row => row[0].EndsWith("blank.png", StringComparison.Ordinal)).Which[2].Should().Be("no face");

        using SKBitmap original = SKBitmap.Decode(multiface);
        using SKBitmap annotated = PngAssert.Decode(File.ReadAllBytes(Path.Combine(drawn, "multiface.png")), original.Width, original.Height);
        // The top edge of the first box is drawn in red; far from any face the pixels are the original's.
        SKColor edge = annotated.GetPixel((int)((expected.Boxes[0][0] + expected.Boxes[0][2]) / 2), (int)Math.Round(expected.Boxes[0][1]));
        edge.Red.Should().BeGreaterThan(200);
        edge.Green.Should().BeLessThan(100);
        annotated.GetPixel(5, 5).Should().Be(original.GetPixel(5, 5));
        File.Exists(Path.Combine(drawn, "blank.png")).Should().BeTrue();
    }

    [Fact]
    public async Task An_unreadable_image_is_reported_the_others_still_printed_and_the_run_fails()
    {
        string broken = Path.Combine(_directory, "broken.jpg");
        File.WriteAllBytes(broken, "not a jpeg"u8.ToArray());
        string portrait = SharedData.PathOf("data/people/kit_harington/john2.jpeg");

        ToolRun run = await FaceEmbedTool.RunAsync("detect", broken, portrait, "--models", SharedData.PathOf("models"));

        run.ExitCode.Should().Be(1, run.ToString());
        run.ErrorLines.Should().Contain(line => line.Contains(broken) && line.StartsWith("faceembed: warning: ", StringComparison.Ordinal));
        run.ErrorLines[^1].Should().StartWith("faceembed: 1 of 2 images could not be read");
        TableRows(run.Output).Should().ContainSingle(row => row[0].EndsWith("john2.jpeg", StringComparison.Ordinal));
    }

    /// <summary>The cells of the rows of the table printed on standard output (header excluded).</summary>
    private static List<string[]> TableRows(string output) => output.Split('\n')
        .Where(line => line.StartsWith('│') && !line.Contains("Probability", StringComparison.Ordinal))
        .Select(line => line.Trim().Trim('│').Split('│').Select(cell => cell.Trim()).ToArray())
        .ToList();

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static (double[][] Boxes, double[] Probabilities) Fixture(string image)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(SharedData.PathOf("fixtures/mtcnn/detect.json")));
        JsonElement entry = json.RootElement.GetProperty("images").EnumerateArray().Single(e => e.GetProperty("image").GetString() == image);
        return (entry.GetProperty("boxes").EnumerateArray().Select(box => box.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray(),
            entry.GetProperty("probs").EnumerateArray().Select(p => p.GetDouble()).ToArray());
    }
}
