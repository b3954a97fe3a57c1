using System.Text.RegularExpressions;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Readme;

/// <summary>
/// Checks that a section of the README or of a guide under docs/ shows, line for line (indentation aside), the code a
/// test runs between two markers.
/// </summary>
public static class ReadmeSnippet
{
    /// <summary>
    /// Asserts that the first C# block after <paramref name="heading"/> in <paramref name="document"/> (a path relative to
    /// the repository root, such as README.md or docs/recognition.md) contains, in order, the non-empty lines of
    /// tests/Readme/<paramref name="testFile"/> between <c>// marker:begin</c> and <c>// marker:end</c>.
    /// </summary>
    public static void AssertDocumentShows(string document, string heading, string testFile, string marker)
    {
        string root = RepositorySources.Root();
        string text = File.ReadAllText(Path.Combine(root, document));
        string source = File.ReadAllText(Path.Combine(root, "tests", "Readme", testFile));

        string begin = $"// {marker}:begin", end = $"// {marker}:end";
        string region = source[(source.IndexOf(begin, StringComparison.Ordinal) + begin.Length)..source.IndexOf(end, StringComparison.Ordinal)];
        string[] expectedLines = region.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        Match block = Regex.Match(text, "^" + Regex.Escape(heading) + @"\n.*?```csharp\n(?<code>.*?)```", RegexOptions.Singleline | RegexOptions.Multiline);
        block.Success.Should().BeTrue($"{document} has a C# block under '{heading}'");
        string[] documentLines = block.Groups["code"].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

        documentLines.Should().ContainInOrder(expectedLines);
    }
}
