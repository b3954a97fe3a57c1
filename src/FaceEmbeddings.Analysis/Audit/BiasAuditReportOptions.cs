using FaceEmbeddings.Plots;

namespace FaceEmbeddings.Audit;

/// <summary>Settings of <see cref="BiasAuditReport"/>.<c>SaveAsync</c>.</summary>
public sealed record BiasAuditReportOptions
{
    /// <summary>Width of the PCA scatter plot and the distance heatmap, in pixels; 800 unless set.</summary>
    public int PlotWidth { get; init; } = 800;

    /// <summary>Height of the PCA scatter plot and the distance heatmap, in pixels; 600 unless set.</summary>
    public int PlotHeight { get; init; } = 600;

    /// <summary>The most embeddings the distance heatmap draws; <see cref="DistanceHeatmap.DefaultMaxItems"/> unless set.</summary>
    public int HeatmapMaxItems { get; init; } = DistanceHeatmap.DefaultMaxItems;

    /// <summary>How many faces of each group the face grid shows, one row per group; 8 unless set.</summary>
    public int FacesPerGroup { get; init; } = 8;

    /// <summary>
    /// True when float face crops hold <c>(x − 127.5) / 128</c>, as the encoder's input; false (the default) for 0..255
    /// values, as uint8 crops always hold (the crops a <c>FaceEmbeddingSet</c> keeps for the report are uint8).
    /// </summary>
    public bool FacesStandardized { get; init; }

    internal PlotOptions PlotOptions => new() { Width = PlotWidth, Height = PlotHeight };

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate() => Validate("options");

    internal void Validate(string parameterName)
    {
        PlotOptions.Validate(parameterName);
        if (FacesPerGroup < 1) throw new ArgumentException($"FacesPerGroup must be at least 1; got {FacesPerGroup}.", parameterName);
    }
}
