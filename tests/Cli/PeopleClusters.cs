using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Tests.Store;

namespace FaceEmbeddings.Tests.Cli;

/// <summary>
/// One run of <c>faceembed cluster ../shared/data/people --copy</c> with face-api's real network (9 photos of 5 people,
/// one folder each), shared by the tests that only read its output. The threshold, 0.5, is tighter than face-api's 0.6:
/// on these unaligned crops 0.6 joins two people.
/// </summary>
public sealed class PeopleClusters : IAsyncLifetime, IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    /// <summary>The command line, less <c>--out</c>.</summary>
    public static string[] Arguments =>
    [
        "cluster", SharedData.PathOf("data/people"), "--threshold", "0.5", "--encoder", "face-api-resnet",
        "--models", SharedData.PathOf("models"), "--offline",
    ];

    /// <summary>The output folder.</summary>
    public string Output => Path.Combine(_folder.Path, "clusters");

    /// <summary>A scratch folder beside the output for the tests' own files.</summary>
    public string Scratch => _folder.Path;

    /// <summary>What the run did.</summary>
    public ToolRun Run { get; private set; } = null!;

    public async Task InitializeAsync() => Run = await FaceEmbedTool.RunAsync([.. Arguments, "--copy", "--out", Output]);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _folder.Dispose();
}
