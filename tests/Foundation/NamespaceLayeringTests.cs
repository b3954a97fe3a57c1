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
    /// <summary>Each namespace of src/FaceEmbeddings (one folder each) and the ones it may use.</summary>
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
        foreach (var (path, text) in RepositorySources.CSharpFiles("src/FaceEmbeddings"))
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
        LayerOf("/repo/src/FaceEmbeddings/Audit/BiasAudit.cs").Should().Be("Audit");
        LayerOf("/repo/src/FaceEmbeddings/AssemblyInfo.cs").Should().BeNull();
    }

    /// <summary>The folder under src/FaceEmbeddings, or null for a file at its root or in bin/obj.</summary>
    private static string? LayerOf(string path)
    {
        string[] parts = path.Replace('\\', '/').Split('/');
        int root = Array.LastIndexOf(parts, "FaceEmbeddings");
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

    [GeneratedRegex(@"\bFaceEmbeddings\.([A-Z][A-Za-z]*)\b")]
    private static partial Regex QualifiedNamespace();
}
