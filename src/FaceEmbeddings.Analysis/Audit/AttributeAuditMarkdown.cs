using System.Text;

namespace FaceEmbeddings.Audit;

/// <summary>Writes an <see cref="AttributeAuditResult"/> as Markdown (GitHub tables), in the embedding audit's style.</summary>
internal static class AttributeAuditMarkdown
{
    public static string Write(AttributeAuditResult result, IReadOnlyList<(string File, string Caption)>? images = null)
    {
        var text = new StringBuilder();
        text.Append("# ").AppendLine(AttributeAuditText.Title).AppendLine();
        text.AppendLine(BiasAuditMarkdown.Escape(AttributeAuditText.Summary(result))).AppendLine();

        text.Append("## ").AppendLine(AttributeAuditText.GroupsHeading).AppendLine();
        BiasAuditMarkdown.Table(text, AttributeAuditText.GroupColumnsOf(result), result.Groups.Select(group => AttributeAuditText.GroupRow(result, group)));
        foreach (string note in AttributeAuditText.GroupNotes(result))
            text.AppendLine(BiasAuditMarkdown.Escape(note)).AppendLine();

        text.Append("## ").AppendLine(AttributeAuditText.ConfusionHeading).AppendLine();
        BiasAuditMarkdown.Table(text, AttributeAuditText.ConfusionColumns, result.Groups.Select(AttributeAuditText.ConfusionRow));

        text.Append("## ").AppendLine(AttributeAuditText.TestsHeading).AppendLine();
        foreach (string sentence in AttributeAuditText.TestSentences(result))
            text.Append("- ").AppendLine(BiasAuditMarkdown.Escape(sentence));
        text.AppendLine();
        text.AppendLine(AttributeAuditText.Limits).AppendLine();

        BiasAuditMarkdown.Images(text, images);
        return text.ToString();
    }
}
