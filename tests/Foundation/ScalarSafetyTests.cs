using System.Reflection;
using Microsoft.CodeAnalysis;
using FaceEmbeddings.Tests.Cli;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Foundation;

/// <summary>
/// The guard against TorchSharp Scalars freed during native calls (see docs/api-guidelines.md, "Scalars in native
/// calls"): the library's sources, compiled with Roslyn, contain none; and the scanner finds the kinds it must.
/// </summary>
public sealed class ScalarSafetyTests
{
    /// <summary>
    /// Temporaries no caller can avoid, run once per model built, never per image: <c>nn.PReLU(n)</c> fills its
    /// initial weight (0.25) through an implicit Scalar inside TorchSharp, and the MTCNN networks have no other way to
    /// make the module their checkpoints' <c>prelu</c> weights load into. Weights are loaded over that value at once.
    /// </summary>
    private static readonly string[] Accepted = ["TorchSharp's nn.PReLU "];

    [Theory]
    [InlineData("src/FaceEmbeddings.Models", "FaceEmbeddings.Models")]
    [InlineData("src/FaceEmbeddings", "FaceEmbeddings")]
    [InlineData("src/FaceEmbeddings.Analysis", "FaceEmbeddings.Analysis")]
    [InlineData("src/FaceEmbeddings.PostgreSql", "FaceEmbeddings.PostgreSql")]
    [InlineData("src/FaceEmbeddings.Cli", "faceembed")]
    [InlineData("tests", "FaceEmbeddings.Tests")]
    public void Sources_make_no_temporary_Scalars(string project, string assemblyName)
    {
        // The tests are scanned too: they run beside the GC stress test, so a temporary Scalar there fails CI at random.
        (string, string)[] sources = RepositorySources.CSharpFiles(project);
        sources.Should().NotBeEmpty();

        IReadOnlyList<ScalarTemporary> found = ScalarTemporaryScanner.Scan(assemblyName, sources, ReferencesFor(assemblyName),
            assemblyName == "faceembed" ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, out IReadOnlyList<string> errors,
            assemblyName == "FaceEmbeddings.Tests" ? TestProjectUsings : []);

        errors.Should().BeEmpty("the scan needs the sources to compile as the build compiles them");
        string.Join(Environment.NewLine, found.Where(temporary => !Accepted.Any(accepted => temporary.Reason.Contains(accepted, StringComparison.Ordinal))))
            .Should().BeEmpty(
            "a Scalar that lives for one expression can be finalized while libtorch reads it: use a 'using var s = x.ToScalar();' "
            + "kept alive across the call, a cached Scalar from TorchScalars, or a tensor operand");
    }

    /// <summary>The global usings tests/FaceEmbeddings.Tests.csproj adds.</summary>
    private static readonly string[] TestProjectUsings = ["Xunit", "FluentAssertions"];

    [Theory]
    [InlineData("return t * 2.0f;", "op_Multiply")]
    [InlineData("return t.mul(2.0f);", "implicit Scalar")]
    [InlineData("return t.clamp_min(0);", "implicit Scalar")]
    [InlineData("return t.mul(2.0f.ToScalar());", "without a using")]
    [InlineData("return t + t;", "op_Addition")]
    [InlineData("return t.add(t);", "add")]
    [InlineData("return torch.linalg.vector_norm(t);", "vector_norm")]
    [InlineData("return t.square();", "square")]
    [InlineData("return torch.tensor(t.ToDouble());", "ToDouble")]
    public void The_scanner_flags_each_kind_of_temporary_Scalar(string body, string expected)
    {
        IReadOnlyList<ScalarTemporary> found = ScanSnippet(body, out IReadOnlyList<string> errors);

        errors.Should().BeEmpty();
        found.Should().ContainSingle().Which.ToString().Should().Contain(expected).And.Contain("Snippet.cs:7");
    }

    [Theory]
    [InlineData("using var two = 2.0f.ToScalar(); return t.mul(two);")]
    [InlineData("using Scalar two = 2.0f; return t.mul(two);")]
    [InlineData("return t.mul(Two);")]
    [InlineData("return t.mul(t).sub(t).div(t);")]
    [InlineData("return t.add(t, Two);")]
    public void The_scanner_accepts_Scalars_kept_alive_and_tensor_operands(string body)
    {
        IReadOnlyList<ScalarTemporary> found = ScanSnippet(body, out IReadOnlyList<string> errors);

        errors.Should().BeEmpty();
        found.Should().BeEmpty();
    }

    private static IReadOnlyList<ScalarTemporary> ScanSnippet(string body, out IReadOnlyList<string> errors)
    {
        string source = $$"""
            using TorchSharp;
            using static TorchSharp.torch;
            public static class Snippet
            {
                private static readonly Scalar Two = 2.0f.ToScalar();
                public static Tensor Run(Tensor t) {
                    {{body}}
                }
            }
            """;
        return ScalarTemporaryScanner.Scan("Snippet", [("Snippet.cs", source)], ScalarTemporaryScanner.ProcessReferences(),
                                           OutputKind.DynamicallyLinkedLibrary, out errors);
    }

    /// <summary>
    /// The test process's assemblies; for the CLI, those of the built faceembed first (System.CommandLine, Spectre.Console),
    /// never the assembly being compiled.
    /// </summary>
    private static IEnumerable<string> ReferencesFor(string assemblyName)
    {
        IEnumerable<string> process = ScalarTemporaryScanner.ProcessReferences();
        if (assemblyName == "faceembed")
            process = Directory.EnumerateFiles(Path.GetDirectoryName(FaceEmbedTool.DllPath)!, "*.dll").Concat(process);
        // A project sees only the projects below it (FaceEmbeddings' namespaces would hide System.Text.Encoding in Models).
        string[] notReferenced = [.. ProjectAssemblies.SkipWhile(name => name != assemblyName), "FaceEmbeddings.Tests"];
        return process.Where(path => !notReferenced.Contains(Path.GetFileNameWithoutExtension(path)))
                      .DistinctBy(Path.GetFileName, StringComparer.Ordinal)
                      .Where(IsManagedAssembly);
    }

    /// <summary>The repository's assemblies, each referencing only those before it.</summary>
    private static readonly string[] ProjectAssemblies = ["FaceEmbeddings.Models", "FaceEmbeddings", "FaceEmbeddings.Analysis", "FaceEmbeddings.PostgreSql", "faceembed"];

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
