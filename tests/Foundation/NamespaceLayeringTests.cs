using System.Text.RegularExpressions;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Foundation;

/// <summary>
/// The library's namespaces depend on one another only downwards, as docs/architecture.md draws them: a namespace may
/// use those listed for it here and no other. The analysis layer (Audit, Plots, Evaluation) sits on top, so that
/// recognition never needs the statistics and plotting code.
/// </summary>
public sealed partial class NamespaceLayeringTests
{
    /// <summary>Each namespace of src/FaceEmbeddings and src/FaceEmbeddings.Analysis (one folder each) and the ones it may use.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["IO"] = [],
        ["Runtime"] = [],
        ["Imaging"] = ["IO", "Runtime"],
        ["Metrics"] = ["Runtime"],
        ["Detection"] = ["Imaging", "IO", "Metrics", "Runtime"],
        ["Encoding"] = ["Detection", "Imaging", "IO", "Metrics", "Runtime"],
        ["Datasets"] = ["Detection", "Encoding", "Imaging", "IO", "Metrics", "Runtime"],
        ["Recognition"] = ["Datasets", "Detection", "Encoding", "Imaging", "IO", "Metrics", "Runtime"],
        ["Clustering"] = ["Datasets", "Detection", "Encoding", "Imaging", "IO", "Metrics", "Recognition", "Runtime"],
        ["Attributes"] = ["Datasets", "Detection", "Encoding", "Imaging", "IO", "Metrics", "Runtime"],
        ["DependencyInjection"] = ["Datasets", "Detection", "Encoding", "Imaging", "IO", "Metrics", "Recognition", "Runtime"],
        ["Plots"] = ["Detection", "Imaging", "IO", "Metrics", "Runtime"],
        ["Audit"] = ["Attributes", "Datasets", "Detection", "Encoding", "Imaging", "IO", "Metrics", "Plots", "Recognition", "Runtime"],
        ["Evaluation"] = ["Audit", "Datasets", "Detection", "Encoding", "Imaging", "IO", "Metrics", "Plots", "Recognition", "Runtime"],
    };

    [Fact]
    public void Every_namespace_uses_only_the_layers_below_it()
    {
        var violations = new List<string>();
        foreach (var (path, text) in Projects.SelectMany(project => RepositorySources.CSharpFiles("src/" + project)))
        {
            string? layer = LayerOf(path);
            if (layer is null) continue;
            Allowed.Should().ContainKey(layer, $"every folder of src/FaceEmbeddings is a layer of docs/architecture.md ({path})");
            foreach (string used in Dependencies(text).Where(used => used != layer && !Allowed[layer].Contains(used)))
                violations.Add($"{path}: {layer} uses {used}");
        }
        violations.Should().BeEmpty("a namespace may use only the layers listed for it (docs/architecture.md)");
    }

    [Fact]
    public void The_scan_sees_usings_and_qualified_names_but_not_comments()
    {
        Dependencies("using FaceEmbeddings.Audit;\nvar x = new FaceEmbeddings.Plots.DetPlot();\n/// <see cref=\"FaceEmbeddings.Evaluation.X\"/>\n// FaceEmbeddings.Clustering")
            .Should().BeEquivalentTo("Audit", "Plots");
        LayerOf("/repo/src/FaceEmbeddings/Recognition/FaceVerifier.cs").Should().Be("Recognition");
        LayerOf("/repo/src/FaceEmbeddings.Analysis/Audit/BiasAudit.cs").Should().Be("Audit");
        LayerOf("/repo/src/FaceEmbeddings/AssemblyInfo.cs").Should().BeNull();
    }

    [Fact]
    public void The_analysis_layer_and_its_dependencies_live_in_their_own_package()
    {
        string root = RepositorySources.Root();
        string[] coreFolders = Directory.GetDirectories(Path.Combine(root, "src", "FaceEmbeddings")).Select(Path.GetFileName).ToArray()!;
        string core = File.ReadAllText(Path.Combine(root, "src", "FaceEmbeddings", "FaceEmbeddings.csproj"));
        string analysis = File.ReadAllText(Path.Combine(root, "src", "FaceEmbeddings.Analysis", "FaceEmbeddings.Analysis.csproj"));

        coreFolders.Should().NotIntersectWith(AnalysisLayers, "a service that only recognises faces references the core package alone");
        Directory.GetDirectories(Path.Combine(root, "src", "FaceEmbeddings.Analysis")).Select(Path.GetFileName)
            .Should().Contain(AnalysisLayers);
        core.Should().NotContainAny(["ScottPlot", "MathNet", ".ttf"]);
        analysis.Should().Contain("\"ScottPlot\"").And.Contain("\"MathNet.Numerics\"");
    }

    [Fact]
    public void No_front_end_sees_the_librarys_internals()
    {
        string root = RepositorySources.Root();
        var granted = Libraries.SelectMany(project => InternalsVisibleTo().Matches(File.ReadAllText(Path.Combine(root, "src", project, project + ".csproj")))
                .Select(match => match.Groups[1].Value))
            .Distinct();

        granted.Should().NotContain(["faceembed", "FaceEmbeddings.Cli", "FaceEmbeddings.Samples.WebApi"],
            "the CLI and the sample use the public API only (docs/architecture.md)");
    }

    /// <summary>The projects whose folders are namespaces: the core package and the analysis package on top of it.</summary>
    private static readonly string[] Projects = ["FaceEmbeddings", "FaceEmbeddings.Analysis"];

    private static readonly string[] AnalysisLayers = ["Audit", "Plots", "Evaluation"];

    private static readonly string[] Libraries = ["FaceEmbeddings", "FaceEmbeddings.Analysis", "FaceEmbeddings.Models", "FaceEmbeddings.PostgreSql"];

    /// <summary>The folder under src/FaceEmbeddings or src/FaceEmbeddings.Analysis, or null for a file at its root or in bin/obj.</summary>
    private static string? LayerOf(string path)
    {
        string[] parts = path.Replace('\\', '/').Split('/');
        int root = Array.FindLastIndex(parts, part => Projects.Contains(part));
        if (root < 1 || parts[root - 1] != "src" || parts.Length - root < 3) return null;
        string folder = parts[root + 1];
        return folder is "bin" or "obj" ? null : folder;
    }

    private static IEnumerable<string> Dependencies(string source) =>
        source.Split('\n')
            .Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .SelectMany(line => QualifiedNamespace().Matches(line).Select(match => match.Groups[1].Value))
            .Where(name => name != "Models" && name != "Tests")
            .Distinct();

    [GeneratedRegex(@"<InternalsVisibleTo Include=""([^""]+)""")]
    private static partial Regex InternalsVisibleTo();

    [GeneratedRegex(@"\bFaceEmbeddings\.([A-Z][A-Za-z]*)\b")]
    private static partial Regex QualifiedNamespace();
}
