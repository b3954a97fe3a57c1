using System.Text.Json;
using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Tests.Store;

namespace FaceEmbeddings.Tests.Cli;

/// <summary><c>faceembed evaluate</c> with face-api's real weights, as the README runs it, and the identify job of the
/// alignment issue: the people gallery on aligned chips.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string[] FaceApi => ["--encoder", "face-api-resnet", "--models", SharedData.PathOf("models"), "--offline"];

    [Fact]
    public async Task Evaluate_prints_the_accuracy_table_and_writes_the_report()
    {
        string people = SharedData.PathOf("data/people");
        string report = Path.Combine(_folder.Path, "report");

        ToolRun table = await FaceEmbedTool.RunAsync(["evaluate", people, "--out", report, .. FaceApi]);
        ToolRun json = await FaceEmbedTool.RunAsync(["evaluate", people, "--json", "--align", "none", .. FaceApi]);

        table.ExitCode.Should().Be(0, table.ToString());
        table.Output.Should().Contain("| accuracy at the model's threshold 0.6 (Euclidean) |").And.Contain("| ROC AUC |")
            .And.Contain("| TAR at FAR 0.01").And.Contain("| equal-error rate |");
        table.Error.Should().Contain("150×150 chip aligned to dlib-mean-face");
        File.ReadAllText(Path.Combine(report, "evaluation.md")).Should().Contain("![DET curve](det.png)");
        File.ReadAllBytes(Path.Combine(report, "det.png")).Take(4).Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');

        json.ExitCode.Should().Be(0, json.ToString());
        using JsonDocument parsed = JsonDocument.Parse(json.Output);
        // 9 photos of 5 people: 4 same-person and 32 different-person pairs.
        parsed.RootElement.GetProperty("samePersonPairs").GetInt64().Should().Be(4);
        parsed.RootElement.GetProperty("differentPersonPairs").GetInt64().Should().Be(32);
        json.Error.Should().Contain("150×150 box crop").And.NotContain("aligned to");
    }

    [Fact]
    public async Task Identify_on_aligned_chips_names_enrolled_people_and_calls_a_stranger_unknown()
    {
        string people = SharedData.PathOf("data/people");
        string gallery = Path.Combine(_folder.Path, "people.gallery");
        string enrolled = Path.Combine(_folder.Path, "enrolled");
        // One photo of each of four people enrolled; their other photos are queries; Alex Lacamoire is not enrolled.
        foreach (string person in new[] { "biden", "obama", "rose_leslie", "kit_harington" })
            Directory.CreateDirectory(Path.Combine(enrolled, person));
        File.Copy(Path.Combine(people, "biden", "biden.jpg"), Path.Combine(enrolled, "biden", "biden.jpg"));
        File.Copy(Path.Combine(people, "obama", "obama.jpg"), Path.Combine(enrolled, "obama", "obama.jpg"));
        File.Copy(Path.Combine(people, "rose_leslie", "img1.jpg"), Path.Combine(enrolled, "rose_leslie", "img1.jpg"));
        File.Copy(Path.Combine(people, "kit_harington", "john1.jpeg"), Path.Combine(enrolled, "kit_harington", "john1.jpeg"));

        ToolRun add = await FaceEmbedTool.RunAsync(["gallery", "add", enrolled, "--gallery", gallery, .. FaceApi]);
        ToolRun identify = await FaceEmbedTool.RunAsync(["identify", Path.Combine(people, "biden", "biden2.jpg"), Path.Combine(people, "obama", "obama2.jpg"),
            Path.Combine(people, "rose_leslie", "img2.jpg"), Path.Combine(people, "alex_lacamoire", "img1.jpg"), "--gallery", gallery, "--json", .. FaceApi]);
        ToolRun unaligned = await FaceEmbedTool.RunAsync(["identify", Path.Combine(people, "obama", "obama2.jpg"), "--gallery", gallery, "--align", "none", .. FaceApi]);

        add.ExitCode.Should().Be(0, add.ToString());
        identify.ExitCode.Should().Be(0, identify.ToString());
        using JsonDocument parsed = JsonDocument.Parse(identify.Output);
        string[] best = parsed.RootElement.GetProperty("images").EnumerateArray().Select(image => image.GetProperty("faces")[0])
            .Select(face => face.GetProperty("unknown").GetBoolean() ? "unknown" : face.GetProperty("matches")[0].GetProperty("identity").GetString()!).ToArray();
        best.Should().Equal("biden", "obama", "rose_leslie", "unknown");
        unaligned.ExitCode.Should().NotBe(0);
        unaligned.Error.Should().Contain("dlib-mean-face-150px-pad0.25 crops").And.Contain("unaligned crops");
    }
}
