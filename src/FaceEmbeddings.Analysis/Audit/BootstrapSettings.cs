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

    /// <summary>
    /// The tests' significance level for <paramref name="confidenceLevel"/>: 1 − it as written in decimal, 0.05 for 0.95,
    /// where the subtraction in binary floating point would give 0.050000000000000044.
    /// </summary>
    internal static double SignificanceLevelOf(double confidenceLevel) => (double)(1m - (decimal)confidenceLevel);

    /// <summary>Checks the settings both audits' options share.</summary>
    /// <exception cref="ArgumentException">One is out of range; the message names it.</exception>
    internal static void Validate(int resamples, double confidenceLevel, int permutations, string parameterName)
    {
        if (resamples < 0)
            throw new ArgumentException($"Resamples must be 0 or more; got {resamples}.", parameterName);
        if (!(confidenceLevel > 0 && confidenceLevel < 1))
            throw new ArgumentException($"ConfidenceLevel must lie strictly between 0 and 1; got {confidenceLevel}.", parameterName);
        if (permutations < 1)
            throw new ArgumentException($"Permutations must be at least 1; got {permutations}.", parameterName);
    }
}
