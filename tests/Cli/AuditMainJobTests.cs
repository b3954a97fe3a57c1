using FaceEmbeddings.Audit;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FaceEmbeddings.Tests.Cli;

/// <summary>
/// The README's main job, run as a user runs it: <c>faceembed audit &lt;utkface&gt; --labels utkface --group-by race,gender
/// --encoder face-api-resnet --models shared/models --offline --out &lt;dir&gt;</c>, with face-api's real network. The full
/// 600-image folder takes minutes on a small CPU, so the test runs the same command on the first three images (by name)
/// of each of the ten race and gender groups, copied into a temporary folder.
/// </summary>
public sealed class AuditMainJobTests : IClassFixture<AuditMainJobTests.MainJob>
{
    private readonly MainJob _job;

    public AuditMainJobTests(MainJob job, ITestOutputHelper output)
    {
        _job = job;
        output.WriteLine(job.Run.ToString());
    }

    [Fact]
    public void Runs_and_prints_the_audit_table()
    {
        _job.Run.ExitCode.Should().Be(0, _job.Run.ToString());
        _job.Run.Output.Should().Contain("Bias audit: 30 faces");
        foreach (string race in new[] { "White", "Black", "Asian", "Indian", "Others" })
            foreach (string gender in new[] { "male", "female" })
                _job.Run.Output.Should().Contain($"{race}, {gender}");
        _job.Run.Output.Should().Contain("At a false-match rate of 0.01").And.Contain("At a false-match rate of 0.001");
        // The tutorial's question, asked by default with UTKFace labels: intervals in the table, the test's sentence below it.
        _job.Run.Output.Should().Contain("95 % bootstrap intervals over 1,000 resamples");
        _job.Run.Output.Should().MatchRegex(@"WSS per member: Black, female \d\.\d{4}, White, female \d\.\d{4}[:.].*p = ");
        _job.Report.Result.Comparisons.Select(c => (c.First, c.Second, c.Figure)).Should().Equal(
            ("Black, female", "White, female", ComparedFigure.WithinSumOfSquaresPerMember), ("Black, female", "White, female", ComparedFigure.MeanIntraGroupDistance));
        _job.Run.Output.TrimEnd().Should().EndWith(Path.Combine(_job.Folder, "report.html"));
    }

    [Fact]
    public void The_readme_shows_this_command_as_the_main_job()
    {
        string readme = File.ReadAllText(Path.Combine(RepositorySources.Root(), "README.md"));
        string setUp = readme[readme.IndexOf("## The main job and the tests", StringComparison.Ordinal)..];
        string firstCommand = setUp.Split('\n').First(line => line.StartsWith("dotnet run", StringComparison.Ordinal));

        // The arguments RunMainJobAsync passes, with the shared folder beside the clone and the README's output folder.
        firstCommand.Should().Be("dotnet run -c Release --project src/FaceEmbeddings.Cli -- audit ../shared/data/utkface --labels utkface "
            + "--group-by race,gender --encoder face-api-resnet --models ../shared/models --offline --out audit-report");
    }

    [Fact]
    public void Standard_error_holds_only_the_tools_own_two_lines()
    {
        // No progress bar (output is redirected) and no libtorch warnings (such as NNPACK's on CPUs it does not support).
        _job.Run.ErrorLines.Should().HaveCount(2, _job.Run.Error);
        _job.Run.ErrorLines[0].Should().StartWith("Embedding the faces of 30 images in ");
        _job.Run.ErrorLines[1].Should().MatchRegex(@"^Audited 30 faces in 10 groups in \d+\.\d\d s; 0 files skipped\.$");
    }

    [Fact]
    public void Embeds_every_image_of_the_subset_in_name_order()
    {
        _job.Report.Paths.Select(Path.GetFileName).Should().Equal(_job.Files.Order(StringComparer.Ordinal));
        _job.Report.X.shape.Should().Equal(30, 128);
    }

    [Fact]
    public void Group_figures_equal_the_metrics_on_the_written_embeddings() => _job.Report.ShouldMatchClusterSummary();

    [Fact]
    public void False_match_rates_equal_a_recount_of_the_pair_distances() => _job.Report.ShouldMatchRecountedFalseMatches();

    [Fact]
    public void Plots_decode_with_their_sizes() => _job.Report.ShouldHavePlotsOfSize(faceSize: 150);

    [Fact]
    public void The_reports_reference_only_what_exists() => _job.Report.ShouldReferenceOnlyWhatExists();

    /// <summary>Copies the subset and runs the command once for all the tests of the class.</summary>
    public sealed class MainJob : IAsyncLifetime
    {
        private readonly string _root = Directory.CreateTempSubdirectory("faceembed-main-job-").FullName;

        public ToolRun Run { get; private set; } = null!;

        public AuditReport Report { get; private set; } = null!;

        public IReadOnlyList<string> Files { get; private set; } = [];

        public string Folder => Path.Combine(_root, "report");

        public async Task InitializeAsync()
        {
            string utkface = SharedData.PathOf("data/utkface");
            string subset = Path.Combine(_root, "utkface");
            Directory.CreateDirectory(subset);
            // The first three files by name of each gender_race pair: a deterministic subset with every group.
            Files = Directory.EnumerateFiles(utkface).Select(Path.GetFileName).OfType<string>()
                .GroupBy(name => string.Join('_', name.Split('_')[1..3]))
                .SelectMany(group => group.Order(StringComparer.Ordinal).Take(3))
                .ToList();
            Files.Should().HaveCount(30);
            foreach (string file in Files)
                File.Copy(Path.Combine(utkface, file), Path.Combine(subset, file));

            Run = await FaceEmbedTool.RunMainJobAsync(subset, Folder);
            Run.ExitCode.Should().Be(0, Run.ToString());
            Report = new AuditReport(Folder);
        }

        public Task DisposeAsync()
        {
            Report?.Dispose();
            Directory.Delete(_root, recursive: true);
            return Task.CompletedTask;
        }
    }
}
