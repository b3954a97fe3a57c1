using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Cli;

public sealed class ConvertCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("faceembed-convert-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Converts_the_PNet_checkpoint_to_safetensors_holding_the_same_tensors()
    {
        string source = SharedData.PathOf("models/mtcnn/pnet.pt");
        string target = Path.Combine(_directory, "pnet.safetensors");

        ToolRun run = await FaceEmbedTool.RunAsync("convert", source, target);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain(target);
        using StateDictionary expected = TorchCheckpoint.Load(source);
        using SafeTensorsFile converted = SafeTensors.Load(target);
        converted.Tensors.Keys.Should().Equal(expected.Keys);
        foreach (var (name, tensor) in expected)
        {
            converted[name].dtype.Should().Be(tensor.dtype, name);
            converted[name].shape.Should().Equal(tensor.shape, name);
            using Tensor same = converted[name].eq(tensor).all();
            same.item<bool>().Should().BeTrue($"'{name}' must hold the checkpoint's values");
        }
        converted.Metadata.Should().Contain("source", "pnet.pt");
    }

    [Fact]
    public async Task A_file_that_is_not_a_checkpoint_fails_with_one_line_and_writes_nothing()
    {
        string source = SharedData.PathOf("fixtures/checkpoints/not-a-checkpoint.pt");
        string target = Path.Combine(_directory, "out.safetensors");

        ToolRun run = await FaceEmbedTool.RunAsync("convert", source, target);

        run.ExitCode.Should().Be(1, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("not-a-checkpoint.pt");
        Directory.EnumerateFileSystemEntries(_directory).Should().BeEmpty("a failed conversion leaves no file, not even a temporary one");
    }

    [Fact]
    public async Task A_malicious_pickle_is_refused_without_running_it()
    {
        string source = SharedData.PathOf("fixtures/checkpoints/malicious-legacy.pt");

        ToolRun run = await FaceEmbedTool.RunAsync("convert", source, Path.Combine(_directory, "out.safetensors"));

        run.ExitCode.Should().Be(1, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("malicious-legacy.pt");
        Directory.EnumerateFileSystemEntries(_directory).Should().BeEmpty();
    }
}
