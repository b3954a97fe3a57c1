namespace FaceEmbeddings.Audit;

/// <summary>Two groups whose figures <see cref="BiasAudit"/> tests for a difference (see <see cref="GroupDifference"/>).</summary>
/// <param name="First">The first group's label.</param>
/// <param name="Second">The second group's label.</param>
public sealed record GroupComparison(string First, string Second);
