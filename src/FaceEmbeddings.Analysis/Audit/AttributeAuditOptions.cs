namespace FaceEmbeddings.Audit;

/// <summary>Settings of <see cref="AttributeAudit"/>.Run.</summary>
public sealed record AttributeAuditOptions
{
    /// <summary>Bootstrap resamples of each group's people for the intervals; 1,000 unless set; 0 leaves out every interval.</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>The level of every confidence interval, in (0, 1); 0.95 unless set. The tests' significance level is 1 − this, as written (0.05 for 0.95).</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>The seed of the resamples and permutations, so that a report reproduces; 20240 unless set.</summary>
    public int Seed { get; init; } = 20240;

    /// <summary>Random relabellings of each permutation test; 9,999 unless set (at least 1).</summary>
    public int Permutations { get; init; } = 9999;

    /// <summary>The fewest people a group needs for its figures (at least 2, the default); smaller groups are listed, not audited.</summary>
    public int MinimumGroupSize { get; init; } = 2;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate() => Validate("options");

    internal void Validate(string parameterName)
    {
        BootstrapSettings.Validate(Resamples, ConfidenceLevel, Permutations, parameterName);
        if (MinimumGroupSize < 2)
            throw new ArgumentException($"MinimumGroupSize must be at least 2; got {MinimumGroupSize}.", parameterName);
    }
}
