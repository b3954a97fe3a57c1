using System.Text;

namespace FaceEmbeddings.Audit;

/// <summary>Writes a <see cref="BiasAuditResult"/> as Markdown (GitHub tables), one table per section.</summary>
internal static class BiasAuditMarkdown
{
    public static string Write(BiasAuditResult result, IReadOnlyList<(string File, string Caption)>? images = null)
    {
        var text = new StringBuilder();
        text.Append("# ").AppendLine(AuditText.Title).AppendLine();
        text.AppendLine(AuditText.Summary(result)).AppendLine();

        text.Append("## ").AppendLine(AuditText.GroupsHeading).AppendLine();
        Table(text, AuditText.GroupColumnsOf(result), result.Groups.Select(group => AuditText.GroupRow(result, group)));
        text.AppendLine(AuditText.GroupsExplanation).AppendLine();
        foreach (string? note in new[] { AuditText.TooSmallSentence(result), AuditText.IntervalsExplanation(result) })
            if (note is not null) text.AppendLine(Escape(note)).AppendLine();

        if (result.Comparisons.Count > 0)
        {
            text.Append("## ").AppendLine(AuditText.ComparisonsHeading).AppendLine();
            foreach (GroupDifference difference in result.Comparisons)
                text.Append("- ").AppendLine(Escape(AuditText.DifferenceSentence(difference)));
            text.AppendLine();
        }

        text.Append("## ").AppendLine(AuditText.CentroidsHeading).AppendLine();
        Table(text, AuditText.CentroidHeader(result), AuditText.CentroidRows(result));

        foreach (VerificationAtFalseMatchRate view in result.Verification)
        {
            text.Append("## ").AppendLine(AuditText.VerificationHeading(view)).AppendLine();
            text.AppendLine(Escape(AuditText.ThresholdSentence(view, result.DifferentPersonPairs))).AppendLine();
            Table(text, AuditText.FalseMatchColumnsOf(result), view.Groups.Select(group => AuditText.FalseMatchRow(result, group)));
            text.AppendLine(Escape(AuditText.RatioSentence(view))).AppendLine();
            foreach (string spread in AuditText.SpreadSentences(result, view).Where(s => s.Length > 0))
                text.AppendLine(Escape(spread)).AppendLine();
        }
        if (result.Verification.Count > 0) text.AppendLine(AuditText.VerificationExplanation).AppendLine();

        if (result.DetCurves.Count > 0)
        {
            text.Append("## ").AppendLine(AuditText.DetHeading).AppendLine();
            Table(text, AuditText.DetColumns, result.DetCurves.Select(AuditText.DetRow));
            text.AppendLine(AuditText.DetExplanation).AppendLine();
        }

        Images(text, images);
        return text.ToString();
    }

    /// <summary>A "Plots" section linking each image with its caption; nothing when there are none.</summary>
    internal static void Images(StringBuilder text, IReadOnlyList<(string File, string Caption)>? images)
    {
        if (images is not { Count: > 0 }) return;
        text.AppendLine("## Plots").AppendLine();
        foreach (var (file, caption) in images)
            text.Append("![").Append(Escape(caption)).Append("](").Append(Uri.EscapeDataString(file)).AppendLine(")").AppendLine();
    }

    /// <summary>A table whose first column is left-aligned and the others (numbers) right-aligned.</summary>
    internal static void Table(StringBuilder text, string[] header, IEnumerable<string[]> rows)
    {
        text.Append("| ").AppendJoin(" | ", header.Select(Escape)).AppendLine(" |");
        text.Append("| --- |").AppendJoin("", Enumerable.Repeat(" ---: |", header.Length - 1)).AppendLine();
        foreach (string[] row in rows)
            text.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
        text.AppendLine();
    }

    /// <summary>
    /// Makes a label safe inside a table cell and inert as Markdown: backslash-escapes the characters that
    /// end cells or start markup, and folds line breaks into spaces.
    /// </summary>
    internal static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (c is '\r' or '\n') escaped.Append(' ');
            else if (c is '\\' or '|' or '*' or '`' or '[' or ']' or '<' or '>' or '#' or '!') escaped.Append('\\').Append(c);
            else escaped.Append(c);
        }
        return escaped.ToString();
    }
}
