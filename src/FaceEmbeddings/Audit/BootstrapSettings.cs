using System.Text.Json.Serialization;

namespace FaceEmbeddings.Audit;

/// <summary>How the intervals and tests of a <see cref="BiasAuditResult"/> were made, so that a reader can repeat them.</summary>
public sealed record BootstrapSettings
{
    /// <summary>Bootstrap resamples per group.</summary>
    [JsonPropertyName("resamples")]
    public required int Resamples { get; init; }

    /// <summary>The confidence level of every interval, e.g. 0.95; the tests' significance level is 1 − this.</summary>
    [JsonPropertyName("confidenceLevel")]
    public required double ConfidenceLevel { get; init; }

    /// <summary>The seed of the resamples and permutations: the same seed, data and settings give the same intervals and p-values.</summary>
    [JsonPropertyName("seed")]
    public required int Seed { get; init; }

    /// <summary>Random relabellings of each permutation test.</summary>
    [JsonPropertyName("permutations")]
    public required int Permutations { get; init; }

    /// <summary>Whether faces carried identities (several faces per person); without, every face is its own person.</summary>
    [JsonPropertyName("identities")]
    public required bool Identities { get; init; }
}
