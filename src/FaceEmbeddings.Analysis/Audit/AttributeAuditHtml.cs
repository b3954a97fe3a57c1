using System.Globalization;

namespace FaceEmbeddings.Audit;

/// <summary>Writes an <see cref="AttributeAuditResult"/> as one self-contained HTML page in the embedding audit's style.</summary>
internal static class AttributeAuditHtml
{
    public static string Write(AttributeAuditResult result, IReadOnlyList<BiasAuditHtml.Figure> figures)
    {
        var html = BiasAuditHtml.Begin(AttributeAuditText.Title);
        html.Append("<p>").Append(BiasAuditHtml.Encode(AttributeAuditText.Summary(result))).AppendLine("</p>");

        html.Append("<h2>").Append(BiasAuditHtml.Encode(AttributeAuditText.GroupsHeading)).AppendLine("</h2>");
        double highest = result.Groups.Max(g => g.GenderErrorRate);
        string? worst = result.GenderErrorGap?.HighestGroup, best = result.GenderErrorGap?.LowestGroup;
        BiasAuditHtml.Table(html, [.. AttributeAuditText.GroupColumnsOf(result), "Gender error rate"], result.Groups.Select(group =>
        {
            double share = highest > 0 ? group.GenderErrorRate / highest : 0;
            string bar = string.Create(CultureInfo.InvariantCulture, $"<span class=\"bar\" style=\"width: {share * 160:0}px\"></span>");
            string? rowClass = group.Group == worst ? "worst" : group.Group == best ? "best" : null;
            return (AttributeAuditText.GroupRow(result, group), rowClass, (string?)bar);
        }));
        foreach (string note in AttributeAuditText.GroupNotes(result))
            html.Append("<p class=\"note\">").Append(BiasAuditHtml.Encode(note)).AppendLine("</p>");

        html.Append("<h2>").Append(BiasAuditHtml.Encode(AttributeAuditText.ConfusionHeading)).AppendLine("</h2>");
        BiasAuditHtml.Table(html, AttributeAuditText.ConfusionColumns, result.Groups.Select(group => (AttributeAuditText.ConfusionRow(group), (string?)null)));

        html.Append("<h2>").Append(BiasAuditHtml.Encode(AttributeAuditText.TestsHeading)).AppendLine("</h2>");
        html.AppendLine("<ul>");
        foreach (string sentence in AttributeAuditText.TestSentences(result))
            html.Append("<li>").Append(BiasAuditHtml.Encode(sentence)).AppendLine("</li>");
        html.AppendLine("</ul>");
        html.Append("<p class=\"note\">").Append(BiasAuditHtml.Encode(AttributeAuditText.Limits)).AppendLine("</p>");
        return BiasAuditHtml.End(html, figures);
    }
}
