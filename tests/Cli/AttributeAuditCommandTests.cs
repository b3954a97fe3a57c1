using FaceEmbeddings.Audit;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Cli;

/// <summary>
/// <c>faceembed audit &lt;utkface&gt; --labels utkface --task attributes</c> as a user runs it, on the shared UTKFace chips aged
/// 3 and 30 to 39 (89 files, 51 labelled male and 38 female), grouped by gender.
/// </summary>
public sealed class AttributeAuditCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("faceembed-attribute-audit-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Audits_predicted_gender_and_age_against_the_labels_and_writes_the_report()
    {
        string report = Path.Combine(_directory, "report");
        string pattern = Path.Combine(SharedData.PathOf("data/utkface"), "3*_*");

        ToolRun run = await FaceEmbedTool.RunAsync("audit", pattern, "--labels", "utkface", "--group-by", "gender", "--task", "attributes",
            "--resamples", "200", "--permutations", "199", "--models", SharedData.PathOf("models"), "--offline", "--out", report);

        run.ExitCode.Should().Be(0, run.ToString());
        AttributeAuditResult result = AttributeAuditResult.FromJson(await File.ReadAllTextAsync(Path.Combine(report, AttributeAuditReport.JsonFileName)));
        result.Groups.Select(g => g.Group).Should().BeEquivalentTo("male", "female");
        int skipped = 89 - result.Faces;
        skipped.Should().BeInRange(0, 3, "MTCNN finds the face of nearly every UTKFace chip");
        result.Groups.Sum(g => g.Confusion.MaleAsMale + g.Confusion.MaleAsFemale).Should().Be(result.Groups.Single(g => g.Group == "male").Faces);
        result.Groups.Single(g => g.Group == "female").Confusion.MaleAsMale.Should().Be(0, "every face in the female group is labelled female");
        // face-api's networks saw UTKFace in training: on adults its errors are small (docs/attributes.md's table has the full set).
        result.GenderErrorRate.Should().BeLessThan(0.15);
        result.AgeMeanAbsoluteError.Should().BeInRange(1, 12);
        result.Bootstrap.Resamples.Should().Be(200);
        result.Groups.Should().AllSatisfy(g => g.AgeMeanAbsoluteErrorInterval!.Contains(g.AgeMeanAbsoluteError).Should().BeTrue());
        run.Output.Should().Contain("Gender error rate").And.Contain("Gender Shades").And.Contain("Largest gap in gender error rate");
        run.Output.TrimEnd().Should().EndWith(Path.Combine(report, AttributeAuditReport.HtmlFileName));
        File.Exists(Path.Combine(report, AttributeAuditReport.GenderErrorPlotFileName)).Should().BeTrue();
    }

    [Fact]
    public async Task Labels_without_age_and_gender_are_a_usage_error()
    {
        string person = Path.Combine(_directory, "someone");
        Directory.CreateDirectory(person);
        File.Copy(SharedData.PathOf("data/people/biden/biden.jpg"), Path.Combine(person, "biden.jpg"));

        ToolRun run = await FaceEmbedTool.RunAsync("audit", _directory, "--labels", "folders", "--task", "attributes",
            "--models", SharedData.PathOf("models"), "--offline", "--out", Path.Combine(_directory, "out"));

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines[^1].Should().Contain("--task attributes: The attribute audit needs age and gender labels");
    }
}
