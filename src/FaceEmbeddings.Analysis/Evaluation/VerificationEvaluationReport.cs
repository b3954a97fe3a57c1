using System.Globalization;
using System.Text;
using FaceEmbeddings.Audit;
using FaceEmbeddings.IO;
using FaceEmbeddings.Plots;

namespace FaceEmbeddings.Evaluation;

/// <summary>Renders a <see cref="VerificationEvaluationResult"/>: a Markdown table (also what the command line prints), and a
/// report folder with that table, the JSON and the DET curve as a PNG.</summary>
public static class VerificationEvaluationReport
{
    /// <summary>The Markdown file <see cref="SaveAsync"/> writes.</summary>
    public const string MarkdownFile = "evaluation.md";

    /// <summary>The JSON file <see cref="SaveAsync"/> writes.</summary>
    public const string JsonFile = "evaluation.json";

    /// <summary>The DET curve <see cref="SaveAsync"/> draws.</summary>
    public const string DetCurveFile = "det.png";

    /// <summary>The figures as a Markdown table with their intervals, then the failed images and rejected lines.</summary>
    public static string ToMarkdown(VerificationEvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        string level = Percent(result.ConfidenceLevel);
        text.AppendLine(Invariant($"{result.SamePersonPairs + result.DifferentPersonPairs} pairs ({result.SamePersonPairs} same-person, {result.DifferentPersonPairs} different-person{(result.Sampled ? ", a seeded sample" : "")}) of {result.Faces} faces of {result.People} people; [{level} intervals, resampling people]"));
        text.AppendLine();
        text.AppendLine("| figure | value |");
        text.AppendLine("| --- | --- |");
        if (result.AccuracyAtThreshold is { } accuracy && result.Threshold is { } threshold)
            text.AppendLine(Invariant($"| accuracy at the model's threshold {threshold.Distance:0.####} ({threshold.Metric}) | {Figure(accuracy, Percent)} |"));
        text.AppendLine(Invariant($"| best accuracy (threshold {result.BestThreshold:0.####}, chosen on these pairs) | {Figure(result.BestAccuracy, Percent)} |"));
        text.AppendLine(Invariant($"| ROC AUC | {Figure(result.AreaUnderRoc, value => value.ToString("0.0000", CultureInfo.InvariantCulture))} |"));
        text.AppendLine(Invariant($"| equal-error rate | {Figure(result.EqualErrorRate, Percent)} |"));
        foreach (TrueMatchRateAtFalseMatchRate at in result.AtFalseMatchRates)
            text.AppendLine(Invariant($"| TAR at FAR {at.FalseMatchRate:G3} (threshold {at.Threshold:0.####}) | {Figure(at.TrueMatchRate, Percent)} |"));
        if (result.FailedImages.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(Invariant($"{result.FailedImages.Count} images gave no face and are in no pair:"));
            foreach (var failed in result.FailedImages)
                text.AppendLine(CultureInfo.InvariantCulture, $"- {failed.Path}: {failed.Message}");
        }
        if (result.RejectedPairs.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(Invariant($"{result.RejectedPairs.Count} lines of the pairs file were left out:"));
            foreach (RejectedPair rejected in result.RejectedPairs)
                text.AppendLine(Invariant($"- line {rejected.Line}: {rejected.Reason}"));
        }
        return text.ToString();
    }

    /// <summary>Writes <see cref="MarkdownFile"/> (which shows the DET curve), <see cref="JsonFile"/> and
    /// <see cref="DetCurveFile"/> into <paramref name="directory"/>, creating it; each file atomically.</summary>
    public static async Task SaveAsync(string directory, VerificationEvaluationResult result, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        byte[] plot = await Task.Run(() => DetPlot.Render([result.DetCurve], new PlotOptions()), cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllBytesAsync(Path.Combine(directory, DetCurveFile), plot, cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllBytesAsync(Path.Combine(directory, JsonFile), System.Text.Encoding.UTF8.GetBytes(result.ToJson()), cancellationToken).ConfigureAwait(false);
        string markdown = "# Verification accuracy\n\n" + ToMarkdown(result) + $"\n![DET curve]({DetCurveFile})\n";
        await AtomicFile.WriteAllBytesAsync(Path.Combine(directory, MarkdownFile), System.Text.Encoding.UTF8.GetBytes(markdown), cancellationToken).ConfigureAwait(false);
    }

    private static string Figure(EstimatedFigure figure, Func<double, string> format) => format(figure.Value) + AuditText.Interval(figure.Interval, format);

    private static string Percent(double share) => AuditText.Percent(share);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
