namespace FaceEmbeddings.Samples.WebApi;

/// <summary>One API key (<c>Sample:ApiKeys:N</c>): the secret a client sends in <c>X-Api-Key</c>, and what it may do.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The shortest key accepted: guessing a key of 32 random characters is hopeless.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>How the audit trail and the rate limiter name the key's holder; <c>key-N</c> when unset. Never the key itself.</summary>
    public string? Id { get; set; }

    /// <summary>The secret, at least <see cref="MinimumKeyLength"/> characters (e.g. <c>openssl rand -base64 32</c>).</summary>
    public string Key { get; set; } = "";

    /// <summary>A comma-separated list of <see cref="SampleScopes"/>: <c>enrol</c>, <c>identify</c>, <c>verify</c>, <c>erase</c>.</summary>
    public string Scopes { get; set; } = "";

    /// <summary>The scopes, trimmed, without empty entries.</summary>
    public IReadOnlyList<string> ScopeList =>
        Scopes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
