namespace FaceEmbeddings.Audit;

/// <summary>The files <see cref="BiasAuditReport"/>.<c>SaveAsync</c> wrote, as full paths.</summary>
/// <param name="Json">The result as JSON (<c>audit.json</c>, see <see cref="BiasAuditResult.ToJson"/>).</param>
/// <param name="Markdown">The result as Markdown tables with links to the plots (<c>audit.md</c>).</param>
/// <param name="Html">The self-contained HTML report with the plots embedded (<c>report.html</c>).</param>
/// <param name="PcaPlot">The PCA scatter plot (<c>pca.png</c>).</param>
/// <param name="DistancePlot">The pairwise-distance heatmap (<c>distances.png</c>).</param>
/// <param name="FaceGrid">The grid of face crops (<c>faces.png</c>); null when no crops were given.</param>
/// <param name="Charts">The charts of the figures with their intervals and, with identities, the DET curves.</param>
public sealed record BiasAuditReportFiles(string Json, string Markdown, string Html, string PcaPlot, string DistancePlot, string? FaceGrid,
    IReadOnlyList<string>? Charts = null);
