namespace FaceEmbeddings.Evaluation;

/// <summary>Settings of a <see cref="VerificationEvaluation"/>.</summary>
public sealed record VerificationEvaluationOptions
{
    /// <summary>Every pair of faces is evaluated when there are at most this many (default 200,000); otherwise this many
    /// pairs drawn with <see cref="Seed"/>.</summary>
    public int MaxPairs { get; init; } = 200_000;

    /// <summary>Seeds the sample of pairs and the bootstrap resamples (default 1): the same inputs give the same figures.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Resamples of the people for the intervals (default 1,000); 0 leaves the intervals out.</summary>
    public int BootstrapResamples { get; init; } = 1000;

    /// <summary>Confidence level of the intervals (default 0.95).</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>The false-match rates at which the true-match rate is reported (default 1e-2 and 1e-3).</summary>
    public IReadOnlyList<double> FalseMatchRates { get; init; } = [1e-2, 1e-3];

    /// <summary>The most points the reported DET curve keeps (default 200); the figures use every pair.</summary>
    public int DetCurvePoints { get; init; } = 200;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names the first.</exception>
    public void Validate()
    {
        if (MaxPairs < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxPairs), MaxPairs, "MaxPairs must be at least 1.");
        if (BootstrapResamples < 0)
            throw new ArgumentOutOfRangeException(nameof(BootstrapResamples), BootstrapResamples, "BootstrapResamples must be at least 0.");
        if (!(ConfidenceLevel > 0 && ConfidenceLevel < 1))
            throw new ArgumentOutOfRangeException(nameof(ConfidenceLevel), ConfidenceLevel, "ConfidenceLevel must lie strictly between 0 and 1.");
        ArgumentNullException.ThrowIfNull(FalseMatchRates, nameof(FalseMatchRates));
        foreach (double rate in FalseMatchRates)
        {
            if (!(rate > 0 && rate < 1))
                throw new ArgumentOutOfRangeException(nameof(FalseMatchRates), rate, "Each false-match rate must lie strictly between 0 and 1.");
        }
        if (DetCurvePoints < 2)
            throw new ArgumentOutOfRangeException(nameof(DetCurvePoints), DetCurvePoints, "DetCurvePoints must be at least 2.");
    }
}
