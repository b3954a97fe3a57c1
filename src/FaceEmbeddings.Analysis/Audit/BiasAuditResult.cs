using System.Text.Json;
using System.Text.Json.Serialization;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>
/// What <see cref="BiasAudit"/>.Run found: how tightly each group clusters, how far apart the groups are,
/// and what that costs in verification: each group's false-match rate at thresholds set for the whole set.
/// Serializes to JSON with stable camelCase property names (<see cref="ToJson"/>, <see cref="FromJson"/>)
/// and to Markdown tables (<see cref="ToMarkdown"/>).
/// </summary>
public sealed record BiasAuditResult
{
    /// <summary>How many embeddings were audited (N).</summary>
    [JsonPropertyName("embeddings")]
    public required int Embeddings { get; init; }

    /// <summary>The embeddings' dimension D.</summary>
    [JsonPropertyName("dimensions")]
    public required int Dimensions { get; init; }

    /// <summary>The distance used for intra-group, centroid and pair distances.</summary>
    [JsonPropertyName("metric")]
    [JsonConverter(typeof(JsonStringEnumConverter<DistanceMetric>))]
    public required DistanceMetric Metric { get; init; }

    /// <summary>All different-person pairs i &lt; j: N(N − 1)/2 when every face is its own person.</summary>
    [JsonPropertyName("differentPersonPairs")]
    public required long DifferentPersonPairs { get; init; }

    /// <summary>Per group, in order of first appearance in the labels.</summary>
    [JsonPropertyName("groups")]
    public required IReadOnlyList<GroupStatistics> Groups { get; init; }

    /// <summary>The distance between the centroids of every two groups, in the order of <see cref="Groups"/>.</summary>
    [JsonPropertyName("centroidDistances")]
    public required IReadOnlyList<CentroidDistance> CentroidDistances { get; init; }

    /// <summary>One verification view per target false-match rate, in the order they were asked for.</summary>
    [JsonPropertyName("verification")]
    public required IReadOnlyList<VerificationAtFalseMatchRate> Verification { get; init; }

    /// <summary>How many people the faces show (N when every face is its own person).</summary>
    [JsonPropertyName("people")]
    public int People { get; init; }

    /// <summary>All same-person pairs i &lt; j (two faces of one person); 0 without identities.</summary>
    [JsonPropertyName("samePersonPairs")]
    public long SamePersonPairs { get; init; }

    /// <summary>How the intervals and tests were made; null when the result holds none.</summary>
    [JsonPropertyName("bootstrap")]
    public BootstrapSettings? Bootstrap { get; init; }

    /// <summary>Groups with too few people for their own figures, in order of first appearance; flagged, not audited.</summary>
    [JsonPropertyName("tooSmallGroups")]
    public IReadOnlyList<TooSmallGroup> TooSmallGroups { get; init; } = [];

    /// <summary>The tests of a difference between two groups, two per comparison asked for (WSS per member, then mean intra-group distance).</summary>
    [JsonPropertyName("comparisons")]
    public IReadOnlyList<GroupDifference> Comparisons { get; init; } = [];

    /// <summary>Per audited group with same-person and different-person pairs, its DET curve and equal-error rate; empty without identities.</summary>
    [JsonPropertyName("detCurves")]
    public IReadOnlyList<GroupDetCurve> DetCurves { get; init; } = [];

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>The result as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a result written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The text is not such a result (a required property is missing, or a value has the wrong type).</exception>
    public static BiasAuditResult FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize<BiasAuditResult>(json, JsonOptions)
            ?? throw new JsonException("The JSON text holds null, not a bias audit result.");
    }

    /// <summary>The result as Markdown: a summary line, then a table per section (groups, centroid distances, and each verification view).</summary>
    public string ToMarkdown() => BiasAuditMarkdown.Write(this);
}
