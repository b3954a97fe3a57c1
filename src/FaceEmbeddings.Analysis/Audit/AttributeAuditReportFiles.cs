namespace FaceEmbeddings.Audit;

/// <summary>The files <see cref="AttributeAuditReport.SaveAsync"/> wrote, as full paths.</summary>
/// <param name="Json">The result as JSON (<c>attributes.json</c>, see <see cref="AttributeAuditResult.ToJson"/>).</param>
/// <param name="Markdown">The result as Markdown tables with links to the charts (<c>attributes.md</c>).</param>
/// <param name="Html">The self-contained HTML report with the charts embedded (<c>attributes.html</c>).</param>
/// <param name="Charts">The charts of gender error and age error per group with their intervals.</param>
public sealed record AttributeAuditReportFiles(string Json, string Markdown, string Html, IReadOnlyList<string> Charts);
