using FaceEmbeddings.DependencyInjection;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;

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
    /// Two faces closer than this (Euclidean distance between their embeddings) are the same person. Unset, it is the
    /// published threshold of <c>FaceEmbeddings:EncoderModel</c> (<see cref="VerificationThreshold.ForModel"/>: 1.04 for
    /// vggface2, dlib's 0.6 for face-api-resnet); a model without one (casia-webface, an <c>EncoderCheckpoint</c>)
    /// needs it set, and the service does not start without it. Measure it on your own data
    /// (<see cref="ThresholdCalibration"/>).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0.0, 2.0)]
    public double? MatchThreshold { get; set; }

    /// <summary>
    /// The API keys clients send in <c>X-Api-Key</c>, each with its scopes (<c>Sample:ApiKeys:N:Key</c>,
    /// <c>Sample:ApiKeys:N:Scopes</c>, optional <c>Sample:ApiKeys:N:Id</c>). Keep them out of appsettings.json: set
    /// them through environment variables (<c>Sample__ApiKeys__0__Key</c>) or a secret store.
    /// </summary>
    public List<ApiKeyOptions> ApiKeys { get; } = [];

    /// <summary>
    /// Serve requests without a key, with every scope (default false). Without keys the service refuses to start
    /// unless this is set, so that an unprotected service is a choice, never an omission.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// The file the gallery is kept in (loaded at start, written after every enrolment and erasure); unset, the
    /// gallery lives in memory only and is gone when the service stops.
    /// </summary>
    public string? GalleryPath { get; set; }

    /// <summary>
    /// A file holding the key <see cref="GalleryPath"/> is encrypted with (base64 of 32 random bytes, e.g.
    /// <c>openssl rand -base64 32</c>); unset, the file is plain.
    /// </summary>
    public string? GalleryKeyFile { get; set; }

    /// <summary>The per-key request limit (<c>Sample:RateLimit:PermitsPerMinute</c>).</summary>
    public SampleRateLimitOptions RateLimit { get; } = new();

    /// <summary>The published threshold of the encoder the FaceEmbeddings settings choose, or null when there is none.</summary>
    public static double? PublishedThresholdOf(FaceEmbeddingsOptions faces) =>
        faces.ModelSource.PublishedThreshold(DistanceMetric.Euclidean)?.Distance;
}
