using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceEmbeddings.Audit;

/// <summary>
/// The attribute audit of <see cref="AttributeAudit"/>.Run: how often predicted apparent gender differs from the labels and
/// how far predicted age is from the labelled age, overall and per group, with intervals, the spread across groups and tests.
/// </summary>
public sealed record AttributeAuditResult
{
    /// <summary>The faces audited.</summary>
    [JsonPropertyName("faces")]
    public required int Faces { get; init; }

    /// <summary>The people behind them (equal to <see cref="Faces"/> without identities).</summary>
    [JsonPropertyName("people")]
    public required int People { get; init; }

    /// <summary>The gender error rate over all faces, too-small groups included.</summary>
    [JsonPropertyName("genderErrorRate")]
    public required double GenderErrorRate { get; init; }

    /// <summary>The age mean absolute error over all faces, in years.</summary>
    [JsonPropertyName("ageMeanAbsoluteError")]
    public required double AgeMeanAbsoluteError { get; init; }

    /// <summary>The age mean signed error (predicted − labelled) over all faces, in years.</summary>
    [JsonPropertyName("ageMeanSignedError")]
    public required double AgeMeanSignedError { get; init; }

    /// <summary>The audited groups, in order of first appearance.</summary>
    [JsonPropertyName("groups")]
    public required IReadOnlyList<AttributeGroupStatistics> Groups { get; init; }

    /// <summary>Groups with fewer people than the audit asked for: counted overall, without figures of their own.</summary>
    [JsonPropertyName("tooSmallGroups")]
    public IReadOnlyList<TooSmallGroup> TooSmallGroups { get; init; } = [];

    /// <summary>The worst to best ratio of the gender error rate (see <see cref="RateSpread"/>); null when no group has an error.</summary>
    [JsonPropertyName("genderErrorSpread")]
    public RateSpread? GenderErrorSpread { get; init; }

    /// <summary>The largest gap in gender error rate and its test; null with fewer than two audited groups.</summary>
    [JsonPropertyName("genderErrorGap")]
    public AttributeGap? GenderErrorGap { get; init; }

    /// <summary>The largest gap in age mean absolute error and its test; null with fewer than two audited groups.</summary>
    [JsonPropertyName("ageErrorGap")]
    public AttributeGap? AgeErrorGap { get; init; }

    /// <summary>How the intervals and tests were made.</summary>
    [JsonPropertyName("bootstrap")]
    public required BootstrapSettings Bootstrap { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>The result as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a result written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The text is not such a result.</exception>
    public static AttributeAuditResult FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize<AttributeAuditResult>(json, JsonOptions)
            ?? throw new JsonException("The JSON text holds null, not an attribute audit result.");
    }

    /// <summary>The result as Markdown: a summary, the groups table, the confusion matrices and the tests.</summary>
    public string ToMarkdown() => AttributeAuditMarkdown.Write(this);
}
