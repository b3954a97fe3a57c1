using FaceEmbeddings.Models.Mtcnn;
using FaceEmbeddings.Models.Runtime;
using FaceEmbeddings.Tests.Cli;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// libtorch's "Could not initialize NNPACK" warning, printed on every CPU convolution where NNPACK is unsupported, is
/// stopped at its source: the networks turn libtorch's NNPACK flag off where, and only where, NNPACK cannot start.
/// </summary>
public sealed class NnpackTests
{
    [Fact]
    public void Creating_a_network_turns_NNPACK_off_exactly_when_this_processor_cannot_run_it()
    {
        using var network = new PNet();

        bool? turnedOff = Nnpack.EnsureConfigured();

        if (OperatingSystem.IsLinux())
            turnedOff.Should().NotBeNull("libtorch_cpu.so exports at::globalContext, setUserEnabledNNPACK and nnp_initialize");
        if (turnedOff is { } off)
            Nnpack.IsEnabledInLibTorch().Should().Be(!off);
    }

    [Fact]
    public async Task Detect_prints_no_NNPACK_warning_even_with_libtorch_warnings_shown()
    {
        // TORCH_CPP_LOG_LEVEL=WARNING lifts faceembed's own filter, so what reaches stderr is what libtorch logs.
        ToolRun run = await FaceEmbedTool.RunAsync(
            ["detect", SharedData.PathOf("fixtures/images/multiface.png"), "--models", SharedData.PathOf("models")],
            environment: new Dictionary<string, string> { ["TORCH_CPP_LOG_LEVEL"] = "WARNING" });

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("multiface");
        run.Error.Should().NotContain("NNPACK", run.ToString());
    }
}
