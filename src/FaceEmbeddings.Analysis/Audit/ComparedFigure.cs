namespace FaceEmbeddings.Audit;

/// <summary>A group figure that <see cref="GroupDifference"/> compares between two groups.</summary>
public enum ComparedFigure
{
    /// <summary><see cref="GroupStatistics.WithinSumOfSquaresPerMember"/>.</summary>
    WithinSumOfSquaresPerMember,

    /// <summary><see cref="GroupStatistics.MeanIntraGroupDistance"/>.</summary>
    MeanIntraGroupDistance,
}
