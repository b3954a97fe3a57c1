namespace FaceEmbeddings.Samples.WebApi;

/// <summary>The per-key request limit (section <c>Sample:RateLimit</c>).</summary>
public sealed class SampleRateLimitOptions
{
    /// <summary>Requests each API key may make per minute (default 120); more get 429 with <c>Retry-After</c>.</summary>
    public int PermitsPerMinute { get; set; } = 120;
}
