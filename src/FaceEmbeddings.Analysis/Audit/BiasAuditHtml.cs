using System.Globalization;
using System.Text;
using FaceEmbeddings.IO;

namespace FaceEmbeddings.Audit;

/// <summary>
/// Writes a <see cref="BiasAuditResult"/> as one self-contained HTML page: styles inline and plots embedded as
/// <c>data:</c> URIs, so the page references no other file and reads the same offline, mailed or moved.
/// Every label and caption is HTML-encoded.
/// </summary>
internal static class BiasAuditHtml
{
    /// <summary>A PNG to show under the tables.</summary>
    public sealed record Figure(string Caption, byte[] Png, int Width, int Height);

    private const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222; margin: 0; background: #fafafa; }
        main { max-width: 1000px; margin: 0 auto; padding: 24px; background: #fff; }
        h1 { margin-top: 0; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        table { border-collapse: collapse; margin: 12px 0; }
        th, td { padding: 4px 10px; border-bottom: 1px solid #e4e4e4; }
        th { background: #f0f0f0; text-align: left; } td.number { text-align: right; font-variant-numeric: tabular-nums; }
        tr.worst td { background: #fdecea; } tr.best td { background: #eaf5ea; }
        .bar { display: inline-block; height: 10px; background: #d9534f; vertical-align: middle; }
        .note { color: #555; font-size: 0.92em; max-width: 800px; }
        figure { margin: 24px 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
        figcaption { color: #555; font-size: 0.92em; margin-top: 4px; }
        """;

    public static string Write(BiasAuditResult result, IReadOnlyList<Figure> figures)
    {
        StringBuilder html = Begin(AuditText.Title);
        html.Append("<p>").Append(Encode(AuditText.Summary(result))).AppendLine("</p>");

        html.Append("<h2>").Append(Encode(AuditText.GroupsHeading)).AppendLine("</h2>");
        Table(html, AuditText.GroupColumnsOf(result), result.Groups.Select(group => (AuditText.GroupRow(result, group), (string?)null)));
        html.Append("<p class=\"note\">").Append(Encode(AuditText.GroupsExplanation)).AppendLine("</p>");
        foreach (string? note in new[] { AuditText.TooSmallSentence(result), AuditText.IntervalsExplanation(result) })
            if (note is not null) html.Append("<p class=\"note\">").Append(Encode(note)).AppendLine("</p>");

        if (result.Comparisons.Count > 0)
        {
            html.Append("<h2>").Append(Encode(AuditText.ComparisonsHeading)).AppendLine("</h2>");
            html.AppendLine("<ul>");
            foreach (GroupDifference difference in result.Comparisons)
                html.Append("<li>").Append(Encode(AuditText.DifferenceSentence(difference))).AppendLine("</li>");
            html.AppendLine("</ul>");
        }

        html.Append("<h2>").Append(Encode(AuditText.CentroidsHeading)).AppendLine("</h2>");
        Table(html, AuditText.CentroidHeader(result), AuditText.CentroidRows(result).Select(row => (row, (string?)null)));

        foreach (VerificationAtFalseMatchRate view in result.Verification)
        {
            html.Append("<h2>").Append(Encode(AuditText.VerificationHeading(view))).AppendLine("</h2>");
            html.Append("<p>").Append(Encode(AuditText.ThresholdSentence(view, result.DifferentPersonPairs))).AppendLine("</p>");
            double highest = view.Groups.Max(g => g.FalseMatchRate);
            Table(html, AuditText.FalseMatchColumnsOf(result).Append("").ToArray(), view.Groups.Select(group =>
            {
                double share = highest > 0 ? group.FalseMatchRate / highest : 0;
                string bar = string.Create(CultureInfo.InvariantCulture, $"<span class=\"bar\" style=\"width: {share * 160:0}px\"></span>");
                string? rowClass = view.Groups.Count < 2 ? null
                    : group.Group == view.WorstGroup ? "worst" : group.Group == view.BestGroup ? "best" : null;
                return (AuditText.FalseMatchRow(result, group), rowClass, (string?)bar);
            }));
            html.Append("<p>").Append(Encode(AuditText.RatioSentence(view))).AppendLine("</p>");
            foreach (string spread in AuditText.SpreadSentences(result, view).Where(s => s.Length > 0))
                html.Append("<p>").Append(Encode(spread)).AppendLine("</p>");
        }
        if (result.Verification.Count > 0)
            html.Append("<p class=\"note\">").Append(Encode(AuditText.VerificationExplanation)).AppendLine("</p>");

        if (result.DetCurves.Count > 0)
        {
            html.Append("<h2>").Append(Encode(AuditText.DetHeading)).AppendLine("</h2>");
            Table(html, AuditText.DetColumns, result.DetCurves.Select(curve => (AuditText.DetRow(curve), (string?)null)));
            html.Append("<p class=\"note\">").Append(Encode(AuditText.DetExplanation)).AppendLine("</p>");
        }

        return End(html, figures);
    }

    /// <summary>A page's head, with the report style, and its title as the first heading.</summary>
    internal static StringBuilder Begin(string title)
    {
        StringBuilder html = HtmlPage.Begin(title, Style);
        html.Append("<h1>").Append(Encode(title)).AppendLine("</h1>");
        return html;
    }

    /// <summary>The plots, embedded, and the end of the page.</summary>
    internal static string End(StringBuilder html, IReadOnlyList<Figure> figures)
    {
        if (figures.Count > 0)
        {
            html.AppendLine("<h2>Plots</h2>");
            foreach (Figure figure in figures)
            {
                html.Append("<figure><img src=\"data:image/png;base64,").Append(Convert.ToBase64String(figure.Png))
                    .Append("\" alt=\"").Append(Encode(figure.Caption))
                    .Append(string.Create(CultureInfo.InvariantCulture, $"\" width=\"{figure.Width}\" height=\"{figure.Height}\">"))
                    .Append("<figcaption>").Append(Encode(figure.Caption)).AppendLine("</figcaption></figure>");
            }
        }
        return HtmlPage.End(html);
    }

    internal static void Table(StringBuilder html, IReadOnlyList<string> header, IEnumerable<(string[] Cells, string? RowClass)> rows) =>
        Table(html, header, rows.Select(row => (row.Cells, row.RowClass, (string?)null)));

    /// <summary>A table whose first column holds labels and the others numbers; <c>extraHtml</c> is trusted markup for a last cell.</summary>
    internal static void Table(StringBuilder html, IReadOnlyList<string> header, IEnumerable<(string[] Cells, string? RowClass, string? ExtraHtml)> rows)
    {
        html.Append("<table><thead><tr>");
        foreach (string column in header) html.Append("<th>").Append(Encode(column)).Append("</th>");
        html.AppendLine("</tr></thead><tbody>");
        foreach (var (cells, rowClass, extraHtml) in rows)
        {
            html.Append(rowClass is null ? "<tr>" : $"<tr class=\"{rowClass}\">");
            for (int i = 0; i < cells.Length; i++)
                html.Append(i == 0 ? "<th scope=\"row\">" : "<td class=\"number\">").Append(Encode(cells[i])).Append(i == 0 ? "</th>" : "</td>");
            if (extraHtml is not null) html.Append("<td>").Append(extraHtml).Append("</td>");
            html.AppendLine("</tr>");
        }
        html.AppendLine("</tbody></table>");
    }

    internal static string Encode(string text) => HtmlPage.Encode(text);
}
