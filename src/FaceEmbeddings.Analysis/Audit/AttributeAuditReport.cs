using FaceEmbeddings.IO;
using FaceEmbeddings.Plots;

namespace FaceEmbeddings.Audit;

/// <summary>
/// Writes an attribute audit as files a person can read, in the embedding audit's style (<see cref="BiasAuditReport"/>):
/// <c>attributes.json</c>, <c>attributes.md</c>, a self-contained <c>attributes.html</c> and the charts beside them as PNG.
/// Every file is written to a temporary name and renamed into place.
/// </summary>
public static class AttributeAuditReport
{
    /// <summary>File name of the JSON result.</summary>
    public const string JsonFileName = "attributes.json";

    /// <summary>File name of the Markdown result.</summary>
    public const string MarkdownFileName = "attributes.md";

    /// <summary>File name of the HTML report.</summary>
    public const string HtmlFileName = "attributes.html";

    /// <summary>File name of the chart of each group's gender error rate with its interval.</summary>
    public const string GenderErrorPlotFileName = "gender-error.png";

    /// <summary>File name of the chart of each group's age mean absolute error with its interval.</summary>
    public const string AgeErrorPlotFileName = "age-error.png";

    /// <summary>Writes the report of <paramref name="result"/> into <paramref name="directory"/> (created when missing).</summary>
    /// <param name="directory">The folder to write into; existing report files there are replaced.</param>
    /// <param name="result">The audit (<see cref="AttributeAudit"/>.Run).</param>
    /// <param name="options">Plot sizes (<see cref="BiasAuditReportOptions.PlotWidth"/>, <see cref="BiasAuditReportOptions.PlotHeight"/>); defaults when null.</param>
    /// <param name="cancellationToken">Checked between files.</param>
    /// <returns>The paths written.</returns>
    /// <exception cref="ArgumentException">An argument is malformed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; files already written stay complete.</exception>
    public static async Task<AttributeAuditReportFiles> SaveAsync(string directory, AttributeAuditResult result, BiasAuditReportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(result);
        options ??= new BiasAuditReportOptions();
        options.Validate(nameof(options));
        string folder = Path.GetFullPath(directory);
        Directory.CreateDirectory(folder);

        PlotOptions plot = options.PlotOptions;
        string level = result.Bootstrap.Resamples > 0 ? AuditText.Percent(result.Bootstrap.ConfidenceLevel) + " confidence interval" : "no interval";
        (string File, string Caption, Func<byte[]> Draw)[] charts =
        [
            (GenderErrorPlotFileName, $"Gender error rate of each group with its {level}.",
                () => IntervalChart.Render("Gender error rate per group", "Share of faces whose predicted gender differs from the label",
                    result.Groups.Select(g => new IntervalChart.Row(g.Group, g.GenderErrorRate, g.GenderErrorRateInterval)).ToArray(), logarithmic: false, plot)),
            (AgeErrorPlotFileName, $"Age mean absolute error of each group, in years, with its {level}.",
                () => IntervalChart.Render("Age error per group", "Mean absolute error (years)",
                    result.Groups.Select(g => new IntervalChart.Row(g.Group, g.AgeMeanAbsoluteError, g.AgeMeanAbsoluteErrorInterval)).ToArray(), logarithmic: false, plot)),
        ];
        byte[][] pngs = await Task.WhenAll(charts.Select(chart => Task.Run(chart.Draw, cancellationToken))).ConfigureAwait(false);

        var figures = new List<BiasAuditHtml.Figure>();
        var written = new List<string>();
        for (int i = 0; i < charts.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = Path.Combine(folder, charts[i].File);
            await AtomicFile.WriteAllBytesAsync(path, pngs[i], cancellationToken).ConfigureAwait(false);
            figures.Add(new BiasAuditHtml.Figure(charts[i].Caption, pngs[i], options.PlotWidth, options.PlotHeight));
            written.Add(path);
        }

        var files = new AttributeAuditReportFiles(Path.Combine(folder, JsonFileName), Path.Combine(folder, MarkdownFileName), Path.Combine(folder, HtmlFileName), written);
        await AtomicFile.WriteAllBytesAsync(files.Json, System.Text.Encoding.UTF8.GetBytes(result.ToJson()), cancellationToken).ConfigureAwait(false);
        string markdown = AttributeAuditMarkdown.Write(result, charts.Select(c => (c.File, c.Caption)).ToArray());
        await AtomicFile.WriteAllBytesAsync(files.Markdown, System.Text.Encoding.UTF8.GetBytes(markdown), cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllBytesAsync(files.Html, System.Text.Encoding.UTF8.GetBytes(AttributeAuditHtml.Write(result, figures)), cancellationToken).ConfigureAwait(false);
        return files;
    }
}
