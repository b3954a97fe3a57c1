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

    /// <summary>The prefix of a PNG embedded in the page as a data URL.</summary>
    public const string EmbeddedPngPrefix = "data:image/png;base64,";

    /// <summary>The bytes of a PNG embedded as a data URL (a link that starts with <see cref="EmbeddedPngPrefix"/>).</summary>
    public static byte[] EmbeddedPng(string link) => Convert.FromBase64String(link[EmbeddedPngPrefix.Length..]);
}
