using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Cli;

public sealed class CancellationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("faceembed-cancel-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Ctrl_C_stops_the_run_with_exit_code_130_and_leaves_no_output_file()
    {
        string output = Path.Combine(_directory, "embeddings.safetensors");
        // The whole UTKFace folder takes far longer than the test waits.
        using RunningTool tool = FaceEmbedTool.Start([
            "embed", SharedData.PathOf("data/utkface"), "--labels", "utkface", "--batch-size", "4",
            "--weights", SharedData.PathOf(FaceNetReference.CheckpointPath),
            "--models", SharedData.PathOf("models"), "--out", output]);

        (await tool.WaitForErrorAsync("Ctrl+C to stop", TimeSpan.FromMinutes(3))).Should().BeTrue(tool.Error);
        tool.Interrupt();
        ToolRun run = await tool.WaitAsync(TimeSpan.FromMinutes(1));

        run.ExitCode.Should().Be(130, run.ToString());
        run.ErrorLines[^1].Should().Be("faceembed: Cancelled.");
        run.Error.Should().NotContain("   at ");
        Directory.EnumerateFileSystemEntries(_directory).Should().BeEmpty("nothing is written when the run is cancelled");
    }
}
