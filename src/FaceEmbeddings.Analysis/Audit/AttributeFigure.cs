namespace FaceEmbeddings.Audit;

/// <summary>A group figure of the attribute audit whose spread across groups <see cref="AttributeGap"/> tests.</summary>
public enum AttributeFigure
{
    /// <summary><see cref="AttributeGroupStatistics.GenderErrorRate"/>.</summary>
    GenderErrorRate,

    /// <summary><see cref="AttributeGroupStatistics.AgeMeanAbsoluteError"/>.</summary>
    AgeMeanAbsoluteError,
}
