namespace FaceEmbeddings.Audit;

/// <summary>
/// A group's figures on B weightings of its people (bootstrap resamples or relabellings), from the weighted pair sums of
/// <see cref="PersonPairSums.Figures"/>. Every figure is a ratio of sums over ordered face pairs, so at weights of one it is
/// exactly the figure of the group itself.
/// </summary>
internal sealed class GroupFigureSamples
{
    /// <summary>The sums, in order: squared Euclidean distances, audit-metric distances, face pairs, then pairs below each threshold.</summary>
    public const int SquaredDistances = 0, Distances = 1, Pairs = 2, FirstThreshold = 3;

    private readonly double[] across;
    private readonly double[] within;
    private readonly double[] faces;
    private readonly int sums;

    public GroupFigureSamples(double[] across, double[] within, double[] faces, int sums, int thresholds)
    {
        this.across = across;
        this.within = within;
        this.faces = faces;
        this.sums = sums;
        Thresholds = thresholds;
    }

    /// <summary>How many weightings, B.</summary>
    public int Count => faces.Length;

    public int Thresholds { get; }

    private double Across(int b, int sum) => across[b * sums + sum];

    private double Within(int b, int sum) => within[b * sums + sum];

    /// <summary>WSS / n = Σ_{i,j} ‖x_i − x_j‖² / (2n²) = (n − 1)/(2n) × the mean squared distance between two of its faces.</summary>
    public double WithinSumOfSquaresPerMember(int b)
    {
        double n = faces[b];
        return (n - 1) / (2 * n) * (Across(b, SquaredDistances) + Within(b, SquaredDistances)) / (Across(b, Pairs) + Within(b, Pairs));
    }

    /// <summary>The mean distance between two faces of the group.</summary>
    public double MeanIntraGroupDistance(int b) =>
        (Across(b, Distances) + Within(b, Distances)) / (Across(b, Pairs) + Within(b, Pairs));

    /// <summary>Different-person pairs (i &lt; j).</summary>
    public double DifferentPersonPairs(int b) => Across(b, Pairs) / 2;

    /// <summary>Different-person pairs strictly below threshold <paramref name="k"/>.</summary>
    public double FalseMatches(int b, int k) => Across(b, FirstThreshold + k) / 2;

    /// <summary>Same-person pairs (i &lt; j).</summary>
    public double SamePersonPairs(int b) => Within(b, Pairs) / 2;

    /// <summary>Same-person pairs at or above threshold <paramref name="k"/>.</summary>
    public double FalseNonMatches(int b, int k) => (Within(b, Pairs) - Within(b, FirstThreshold + k)) / 2;

    /// <summary>One figure over all weightings.</summary>
    public double[] Each(Func<int, double> figure) => Enumerable.Range(0, Count).Select(figure).ToArray();
}
