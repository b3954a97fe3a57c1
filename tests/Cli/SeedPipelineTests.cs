using FaceEmbeddings.Metrics;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Cli;

/// <summary>
/// The tutorial's section 2 through the tool: <c>MTCNN(image_size=150, margin=32)</c> and InceptionResnetV1 on the 49
/// black and 49 white women of <c>fixtures/seed_pipeline</c>, audited by race and gender. The report's WSS of each
/// group must match the WSS of facenet-pytorch's embeddings of the same files.
/// </summary>
public sealed class SeedPipelineTests : IClassFixture<SeedPipelineTests.SeedJob>
{
    private readonly SeedJob _job;
    private readonly ITestOutputHelper _output;

    public SeedPipelineTests(SeedJob job, ITestOutputHelper output)
    {
        _job = job;
        _output = output;
        output.WriteLine(job.Run.ToString());
    }

    [Theory]
    [InlineData("black_female", "Black, female")]
    [InlineData("white_female", "White, female")]
    public void The_WSS_of_each_group_matches_facenet_pytorch(string fixtureGroup, string reportGroup)
    {
        using SafeTensorsFile reference = SafeTensors.Load(SharedData.PathOf("fixtures/seed_pipeline/reference.safetensors"));
        using Tensor expectedWss = Clusters.WithinSumOfSquares(reference[$"{fixtureGroup}/embeddings"]);
        double expected = expectedWss.to(ScalarType.Float64).item<double>();

        var group = _job.Report.Result.Groups.Single(g => g.Group == reportGroup);
        group.Count.Should().Be(49);
        _output.WriteLine($"{reportGroup}: WSS {group.WithinSumOfSquares:R}, facenet-pytorch {expected:R}, relative difference {Math.Abs(group.WithinSumOfSquares - expected) / expected:E2}");
        group.WithinSumOfSquares.Should().BeApproximately(expected, 1e-4 * expected);
    }

    [Theory]
    [InlineData("black_female")]
    [InlineData("white_female")]
    public void Each_embedding_is_close_to_facenet_pytorchs(string fixtureGroup)
    {
        using SafeTensorsFile reference = SafeTensors.Load(SharedData.PathOf("fixtures/seed_pipeline/reference.safetensors"));
        string[] files = reference.Metadata[fixtureGroup].Split(',');
        float[] expected = reference[$"{fixtureGroup}/embeddings"].data<float>().ToArray();
        float[] actual = _job.Report.X.data<float>().ToArray();
        var rowOf = _job.Report.Paths.Select((path, row) => (Path.GetFileName(path), row)).ToDictionary(pair => pair.Item1, pair => pair.row);

        float worst = 0;
        for (int i = 0; i < files.Length; i++)
        {
            int row = rowOf[files[i]];
            for (int d = 0; d < 512; d++)
                worst = Math.Max(worst, Math.Abs(actual[row * 512 + d] - expected[i * 512 + d]));
        }
        _output.WriteLine($"{fixtureGroup}: max |embedding − facenet-pytorch's| = {worst:E2}");
        // fixtures/README.md: embeddings are reachable within 1e-4 (max abs) from the same crops.
        worst.Should().BeLessThan(1e-4f);
    }

    [Fact]
    public void Group_figures_equal_the_metrics_on_the_written_embeddings() => _job.Report.ShouldMatchClusterSummary();

    [Fact]
    public void False_match_rates_equal_a_recount_of_the_pair_distances() => _job.Report.ShouldMatchRecountedFalseMatches();

    [Fact]
    public void Plots_decode_with_their_sizes() => _job.Report.ShouldHavePlotsOfSize(faceSize: 150);

    /// <summary>Copies the 98 files and runs <c>faceembed audit … --size 150 --margin 32</c> once for the class.</summary>
    public sealed class SeedJob : IAsyncLifetime
    {
        private static readonly string[] FixtureGroups = ["black_female", "white_female"];

        private readonly string _root = Directory.CreateTempSubdirectory("faceembed-seed-").FullName;

        public ToolRun Run { get; private set; } = null!;

        public AuditReport Report { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            string input = Path.Combine(_root, "women");
            Directory.CreateDirectory(input);
            using (SafeTensorsFile reference = SafeTensors.Load(SharedData.PathOf("fixtures/seed_pipeline/reference.safetensors")))
            {
                foreach (string file in FixtureGroups.SelectMany(group => reference.Metadata[group].Split(',')))
                    File.Copy(SharedData.PathOf($"data/utkface/{file}"), Path.Combine(input, file));
            }

            string folder = Path.Combine(_root, "report");
            Run = await FaceEmbedTool.RunOfflineAuditAsync(input, folder, "--size", "150", "--margin", "32");
            Run.ExitCode.Should().Be(0, Run.ToString());
            Report = new AuditReport(folder);
        }

        public Task DisposeAsync()
        {
            Report?.Dispose();
            Directory.Delete(_root, recursive: true);
            return Task.CompletedTask;
        }
    }
}
