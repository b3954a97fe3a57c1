using System.Net;
using System.Text;

namespace FaceEmbeddings.IO;

/// <summary>
/// The frame of the self-contained HTML pages the library and the tool write (the audit's report, the contact sheet):
/// UTF-8, a viewport for phones, the style inline, content in one <c>main</c>. Text goes in through <see cref="Encode"/>.
/// </summary>
internal static class HtmlPage
{
    /// <summary>A page up to the opened <c>main</c>, titled <paramref name="title"/> (encoded) and styled by <paramref name="style"/> (trusted CSS).</summary>
    public static StringBuilder Begin(string title, string style)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\">");
        html.AppendLine("<head>");
        html.AppendLine("<meta charset=\"utf-8\">");
        html.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>").Append(Encode(title)).AppendLine("</title>");
        html.Append("<style>").Append(style).AppendLine("</style>");
        html.AppendLine("</head>");
        html.AppendLine("<body><main>");
        return html;
    }

    /// <summary>Closes what <see cref="Begin"/> opened and returns the page.</summary>
    public static string End(StringBuilder html)
    {
        ArgumentNullException.ThrowIfNull(html);
        html.AppendLine("</main></body>");
        html.AppendLine("</html>");
        return html.ToString();
    }

    /// <summary><paramref name="text"/> safe inside an element or a quoted attribute.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);
}
