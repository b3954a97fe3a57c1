namespace FaceEmbeddings.Samples.WebApi;

/// <summary>The sample's own settings (section "Sample").</summary>
public sealed class SampleOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Sample";

    /// <summary>The default largest photo: 10 MiB.</summary>
    public const long DefaultMaxUploadBytes = 10L << 20;

    /// <summary>The largest photo accepted, in bytes.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = DefaultMaxUploadBytes;

    /// <summary>
    /// Two faces closer than this (Euclidean distance between L2-normalized FaceNet embeddings) are the same person;
    /// 1.1 is a common operating point for facenet-pytorch's VGGFace2 weights. Measure it on your own data.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0.0, 2.0)]
    public double MatchThreshold { get; set; } = 1.1;
}
