using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Cli;

public sealed class ModelsCommandTests
{
    [Fact]
    public async Task Lists_every_catalogued_model_with_whether_the_store_has_it()
    {
        string store = SharedData.PathOf("models");

        ToolRun run = await FaceEmbedTool.RunAsync("models", "list", "--models", store);

        run.ExitCode.Should().Be(0, run.ToString());
        string[] lines = run.Output.Split('\n');
        foreach (string name in new[] { "mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet" })
        {
            lines.Should().ContainSingle(line => line.Contains($" {name} ", StringComparison.Ordinal))
                .Which.Should().Contain("present").And.Contain(Path.Combine(store, "mtcnn", name["mtcnn-".Length..] + ".pt"));
        }
        // The shared store has no FaceNet weights (see shared/README.md).
        foreach (string name in new[] { "vggface2", "casia-webface" })
            lines.Should().ContainSingle(line => line.Contains($" {name} ", StringComparison.Ordinal)).Which.Should().Contain("not downloaded");
        run.Error.Should().Contain(store);
    }

    [Fact]
    public async Task Fetch_returns_a_model_the_store_has_and_fails_offline_for_one_it_lacks()
    {
        string store = SharedData.PathOf("models");

        ToolRun present = await FaceEmbedTool.RunAsync("models", "fetch", "mtcnn-onet", "--models", store, "--offline");
        present.ExitCode.Should().Be(0, present.ToString());
        present.Output.Trim().Should().Be(Path.Combine(store, "mtcnn", "onet.pt"));

        string empty = Directory.CreateTempSubdirectory("faceembed-store-").FullName;
        try
        {
            ToolRun missing = await FaceEmbedTool.RunAsync("models", "fetch", "vggface2", "--models", empty, "--offline");
            missing.ExitCode.Should().Be(1, missing.ToString());
            missing.ErrorLines.Should().ContainSingle().Which.Should().Contain("vggface2").And.Contain("offline");
            Directory.EnumerateFiles(empty, "*", SearchOption.AllDirectories).Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task An_unknown_model_name_is_a_usage_error_naming_the_known_ones()
    {
        ToolRun run = await FaceEmbedTool.RunAsync("models", "fetch", "no-such-model", "--models", SharedData.PathOf("models"), "--offline");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines[0].Should().Contain("no-such-model").And.Contain("vggface2");
    }
}
