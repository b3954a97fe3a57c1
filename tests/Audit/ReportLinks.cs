using System.Text.RegularExpressions;

namespace FaceEmbeddings.Tests.Audit;

/// <summary>What a report points at: HTML <c>src</c>/<c>href</c> attributes and Markdown image or link targets.</summary>
internal static partial class ReportLinks
{
    [GeneratedRegex("""(?:src|href)\s*=\s*["']([^"']*)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlAttribute();

    [GeneratedRegex("""\]\(([^)\s]+)\)""")]
    private static partial Regex MarkdownTarget();

    /// <summary>Every URL the HTML page references.</summary>
    public static IReadOnlyList<string> Referenced(string html) => HtmlAttribute().Matches(html).Select(m => m.Groups[1].Value).ToArray();

    /// <summary>Every target of a Markdown link or image, unescaped.</summary>
    public static IReadOnlyList<string> MarkdownTargets(string markdown) =>
        MarkdownTarget().Matches(markdown).Select(m => Uri.UnescapeDataString(m.Groups[1].Value)).ToArray();
}
