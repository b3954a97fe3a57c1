using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Foundation;

/// <summary>
/// The guard against dispose scopes left current on a thread while their method is suspended (see
/// docs/api-guidelines.md, "Dispose scopes and async code"): no source opens one across an <c>await</c> or a
/// <c>yield</c>; and the scanner finds what it must.
/// </summary>
public sealed class DisposeScopeSafetyTests
{
    [Theory]
    [InlineData("src/FaceEmbeddings.Models")]
    [InlineData("src/FaceEmbeddings")]
    [InlineData("src/FaceEmbeddings.Analysis")]
    [InlineData("src/FaceEmbeddings.PostgreSql")]
    [InlineData("src/FaceEmbeddings.Cli")]
    [InlineData("samples")]
    [InlineData("benchmarks")]
    [InlineData("tests")]
    public void No_dispose_scope_is_open_across_an_await_or_a_yield(string folder)
    {
        // The tests are scanned too: xunit runs them in parallel on the thread pool, so one test's suspended scope
        // swallows another test's tensors and disposes them under it (a CI failure: "Tensor invalid -- empty handle").
        (string, string)[] sources = RepositorySources.CSharpFiles(folder);
        sources.Should().NotBeEmpty();

        string.Join(Environment.NewLine, DisposeScopeSuspensionScanner.Scan(sources)).Should().BeEmpty(
            "a dispose scope is per thread: do the tensor work of an async method in a synchronous method (or a Task.Run "
            + "lambda) with its own scope, and await outside it");
    }

    [Theory]
    [InlineData("using var scope = NewDisposeScope(); var x = ones(2); await Task.Yield();", 1, "await")]
    [InlineData("using (NewDisposeScope()) { await Task.Delay(1); }", 1, "await")]
    [InlineData("using (var s = NewDisposeScope()) await foreach (var i in Items()) { }", 1, "await foreach")]
    [InlineData("if (true) { using var s = torch.NewDisposeScope(); await using var d = new Disposable(); }", 1, "await using")]
    [InlineData("var s = NewDisposeScope(); await Task.Yield(); s.Dispose();", 1, "await")]
    [InlineData("using (NewDisposeScope()) { var x = ones(2); }\n await Task.Yield();", 0, "")]
    [InlineData("await Task.Run(() => { using var s = NewDisposeScope(); ones(2); });", 0, "")]
    [InlineData("using var s = NewDisposeScope(); Func<Task> later = async () => await Task.Yield();", 0, "")]
    public void The_scanner_finds_scopes_open_across_an_await(string body, int expected, string suspension)
    {
        IReadOnlyList<SuspendedDisposeScope> found = DisposeScopeSuspensionScanner.Scan([("Snippet.cs", Snippet($"async Task Run() {{ {body} }}"))]);

        found.Should().HaveCount(expected);
        if (expected > 0)
            found[0].ToString().Should().Contain("Snippet.cs:5").And.EndWith($"at the {suspension} on line {found[0].SuspensionLine}");
    }

    [Fact]
    public void The_scanner_finds_scopes_open_across_a_yield()
    {
        string iterator = Snippet("IEnumerable<int> Run() { using var s = NewDisposeScope();\n yield return 1; }");

        DisposeScopeSuspensionScanner.Scan([("Snippet.cs", iterator)]).Should().ContainSingle()
            .Which.Should().Be(new SuspendedDisposeScope("Snippet.cs", 5, 6, "yield"));
    }

    private static string Snippet(string member) => $$"""
        using static TorchSharp.torch;
        using TorchSharp;
        class Snippet
        {
            {{member}}
        }
        """;
}
