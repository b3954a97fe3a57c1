using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Cli;

/// <summary>
/// Errors end the run with one line on standard error (no stack trace) and a code that tells a usage error (2:
/// the command line is wrong) from a failure (1: the command could not do its work).
/// </summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("faceembed-errors-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Weights => SharedData.PathOf(FaceNetReference.CheckpointPath);

    private static string Models => SharedData.PathOf("models");

    [Fact]
    public async Task A_missing_input_folder_is_a_failure_naming_it()
    {
        string missing = Path.Combine(_directory, "no-such-folder");

        ToolRun run = await FaceEmbedTool.RunAsync("audit", missing, "--labels", "utkface", "--weights", Weights, "--models", Models,
            "--out", Path.Combine(_directory, "report"));

        run.ExitCode.Should().Be(1, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain(missing);
        Directory.Exists(Path.Combine(_directory, "report")).Should().BeFalse();
    }

    [Theory]
    [InlineData("fixtures/checkpoints/not-a-checkpoint.pt", "not-a-checkpoint.pt")]
    [InlineData("models/mtcnn/pnet.pt", "pnet.pt")] // a real checkpoint, but of another network
    public async Task A_bad_weights_file_is_a_failure_naming_it(string weights, string named)
    {
        string input = Path.Combine(_directory, "faces");
        Directory.CreateDirectory(input);
        File.Copy(SharedData.PathOf("data/utkface/10_0_0_20170110215927291.jpg.chip.jpg"), Path.Combine(input, "10_0_0_20170110215927291.jpg.chip.jpg"));
        string output = Path.Combine(_directory, "out.safetensors");

        ToolRun run = await FaceEmbedTool.RunAsync("embed", input, "--weights", SharedData.PathOf(weights), "--models", Models, "--out", output);

        run.ExitCode.Should().Be(1, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain(named);
        run.Error.Should().NotContain("   at ", "no stack trace is shown");
        File.Exists(output).Should().BeFalse();
    }

    [Fact]
    public async Task A_missing_weights_file_is_a_failure_naming_it()
    {
        string missing = Path.Combine(_directory, "nowhere.pt");

        ToolRun run = await FaceEmbedTool.RunAsync("embed", SharedData.PathOf("data/people"), "--weights", missing, "--models", Models,
            "--out", Path.Combine(_directory, "out.csv"));

        run.ExitCode.Should().Be(1, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain(missing);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("embed")]                                                      // no input, no --out
    [InlineData("embed", "dir", "--out", "x.txt")]                             // not .safetensors or .csv
    [InlineData("embed", "dir", "--out", "x.csv", "--device", "tpu")]
    [InlineData("embed", "dir", "--out", "x.csv", "--size", "0")]
    [InlineData("audit", "dir", "--out", "r", "--labels", "filenames")]
    [InlineData("audit", "dir", "--out", "r", "--no-such-option")]
    [InlineData("convert", "only-one.pt")]
    [InlineData("models", "fetch")]
    public async Task A_malformed_command_line_is_a_usage_error_in_one_line(params string[] arguments)
    {
        ToolRun run = await FaceEmbedTool.RunAsync(arguments, _directory);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("faceembed: ").And.Contain("--help");
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task Grouping_by_a_label_the_dataset_lacks_is_a_usage_error_listing_the_labels()
    {
        ToolRun run = await FaceEmbedTool.RunAsync("audit", SharedData.PathOf("data/people"), "--group-by", "race", "--weights", Weights,
            "--models", Models, "--out", Path.Combine(_directory, "report"));

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("race").And.Contain("label");
    }

    [Fact]
    public async Task A_margin_as_large_as_the_crop_is_a_usage_error()
    {
        ToolRun run = await FaceEmbedTool.RunAsync("crop", SharedData.PathOf("data/people"), "--size", "40", "--margin", "40", "--models", Models,
            "--out", Path.Combine(_directory, "crops"));

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("--margin");
    }

    [Fact]
    public async Task Help_succeeds_and_lists_every_command()
    {
        ToolRun run = await FaceEmbedTool.RunAsync("--help");

        run.ExitCode.Should().Be(0, run.ToString());
        foreach (string command in new[] { "detect", "crop", "embed", "audit", "convert", "models" })
            run.Output.Should().Contain(command);
    }
}
