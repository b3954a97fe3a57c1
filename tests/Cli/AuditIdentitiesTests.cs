using FaceEmbeddings.Audit;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FaceEmbeddings.Tests.Cli;

/// <summary>
/// <c>faceembed audit &lt;people&gt; --labels folders --groups people.csv</c>: the shared people folder (one folder per person,
/// nine photos of five people), each person mapped to a cohort by a CSV file. Faces of one person give same-person pairs:
/// false non-match rates, DET curves and equal-error rates per group, and intervals that resample people.
/// </summary>
public sealed class AuditIdentitiesTests : IClassFixture<AuditIdentitiesTests.PeopleJob>
{
    private readonly PeopleJob _job;

    public AuditIdentitiesTests(PeopleJob job, ITestOutputHelper output)
    {
        _job = job;
        output.WriteLine(job.Run.ToString());
    }

    [Fact]
    public void Counts_same_person_pairs_apart_from_different_person_pairs()
    {
        _job.Run.ExitCode.Should().Be(0, _job.Run.ToString());
        BiasAuditResult result = _job.Result;
        result.Bootstrap!.Identities.Should().BeTrue();
        result.Embeddings.Should().Be(9);
        result.People.Should().Be(5);
        // Four people have two photos each: four same-person pairs of the 36.
        result.SamePersonPairs.Should().Be(4);
        result.DifferentPersonPairs.Should().Be(32);
        result.Groups.Select(g => (g.Group, g.Count, g.People)).Should().Equal(("A", 5, 3), ("B", 4, 2));
    }

    [Fact]
    public void Reports_false_non_match_rates_and_a_det_curve_per_group()
    {
        BiasAuditResult result = _job.Result;
        foreach (VerificationAtFalseMatchRate view in result.Verification)
        {
            GroupFalseMatchRate a = view.Groups.Single(g => g.Group == "A"), b = view.Groups.Single(g => g.Group == "B");
            (a.SamePersonPairs, b.SamePersonPairs).Should().Be((2L, 2L));   // A: rose, kit; B: obama, biden
            (a.Pairs, b.Pairs).Should().Be((8L, 4L));                        // A: 10 pairs of 5 photos less 2; B: 6 less 2
            a.FalseNonMatchRate.Should().Be((double)a.FalseNonMatches!.Value / 2);
            b.FalseNonMatchRate.Should().Be((double)b.FalseNonMatches!.Value / 2);
        }
        result.DetCurves.Select(c => c.Group).Should().Equal("A", "B");
        result.DetCurves.Should().OnlyContain(c => c.EqualErrorRate >= 0 && c.EqualErrorRate <= 1 && c.Points.Count >= 2);
        _job.Run.Output.Should().Contain("Equal-error rate of A").And.Contain("FNMR @ 0.01");
        File.Exists(Path.Combine(_job.Folder, BiasAuditReport.DetPlotFileName)).Should().BeTrue();
        File.Exists(Path.Combine(_job.Folder, BiasAuditReport.FalseNonMatchPlotFileName)).Should().BeTrue();
        File.ReadAllText(Path.Combine(_job.Folder, BiasAuditReport.MarkdownFileName)).Should().Contain("## Detection error trade-off per group");
    }

    [Fact]
    public void Tests_the_difference_asked_for_with_compare()
    {
        _job.Result.Comparisons.Select(c => (c.First, c.Second)).Should().Equal(("A", "B"), ("A", "B"));
        // With resamples the p-value is read from the interval's bootstrap, not from the 999 permutations asked for.
        _job.Result.Comparisons.Should().OnlyContain(c => c.PValue > 0 && c.PValue <= 1 && c.Test == DifferenceTest.Bootstrap && c.Permutations == 0
            && c.Significant == !c.DifferenceInterval!.Contains(0));
        _job.Run.Output.Should().Contain("WSS per member: A ");
    }

    [Fact]
    public async Task A_people_file_the_library_refuses_is_a_usage_error_naming_the_line()
    {
        string folder = Directory.CreateTempSubdirectory("faceembed-bad-people-").FullName;
        try
        {
            string file = Path.Combine(folder, "people.csv");
            await File.WriteAllTextAsync(file, "identity,group\nobama,A\nbiden\n");

            ToolRun run = await FaceEmbedTool.RunAsync("audit", SharedData.PathOf("data/people"), "--labels", "folders", "--groups", file,
                "--out", Path.Combine(folder, "report"));

            run.ExitCode.Should().Be(2, run.ToString());
            run.Error.Should().Contain($"--groups {file}: line 3 has 1 cells, the header 2.");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Comparing_a_group_that_is_not_there_is_a_usage_error_listing_the_groups()
    {
        string folder = Directory.CreateTempSubdirectory("faceembed-bad-compare-").FullName;
        try
        {
            string file = Path.Combine(folder, "people.csv");
            await File.WriteAllTextAsync(file, "identity,cohort\nalex_lacamoire,A\nrose_leslie,A\nkit_harington,A\nobama,B\nbiden,B\n");

            ToolRun run = await FaceEmbedTool.RunAsync("audit", SharedData.PathOf("data/people"), "--labels", "folders", "--groups", file,
                "--compare", "A", "Z", "--weights", SharedData.PathOf(FaceNetReference.CheckpointPath), "--models", SharedData.PathOf("models"),
                "--out", Path.Combine(folder, "report"));

            run.ExitCode.Should().Be(2, run.ToString());
            run.Error.Should().Contain("Cannot compare group 'Z': there is no such group; the groups are 'A', 'B'.").And.NotContain("(Parameter");
            File.Exists(Path.Combine(folder, "report", BiasAuditReport.JsonFileName)).Should().BeFalse("no report is written for an audit that did not run");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Writes the people file and runs the command once for the class.</summary>
    public sealed class PeopleJob : IAsyncLifetime
    {
        private readonly string _root = Directory.CreateTempSubdirectory("faceembed-people-").FullName;

        public ToolRun Run { get; private set; } = null!;

        public BiasAuditResult Result { get; private set; } = null!;

        public string Folder => Path.Combine(_root, "report");

        public async Task InitializeAsync()
        {
            string csv = Path.Combine(_root, "people.csv");
            await File.WriteAllTextAsync(csv, "identity,cohort\nalex_lacamoire,A\nrose_leslie,A\nkit_harington,A\nobama,B\nbiden,B\n");
            Run = await FaceEmbedTool.RunAsync(
                "audit", SharedData.PathOf("data/people"), "--labels", "folders", "--groups", csv, "--group-by", "cohort",
                "--compare", "A", "B", "--permutations", "999",
                "--weights", SharedData.PathOf(FaceNetReference.CheckpointPath), "--models", SharedData.PathOf("models"), "--out", Folder);
            Run.ExitCode.Should().Be(0, Run.ToString());
            Result = BiasAuditResult.FromJson(await File.ReadAllTextAsync(Path.Combine(Folder, BiasAuditReport.JsonFileName)));
        }

        public Task DisposeAsync()
        {
            Directory.Delete(_root, recursive: true);
            return Task.CompletedTask;
        }
    }
}
