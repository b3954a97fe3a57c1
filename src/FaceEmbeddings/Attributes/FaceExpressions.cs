namespace FaceEmbeddings.Attributes;

/// <summary>The probability of each <see cref="FaceExpression"/> for one face (a softmax: they sum to 1).</summary>
public sealed class FaceExpressions
{
    private readonly float[] probabilities;

    /// <param name="probabilities">One probability per <see cref="FaceExpression"/>, in its order.</param>
    /// <exception cref="ArgumentException">Not one finite probability from 0 to 1 per expression.</exception>
    public FaceExpressions(IReadOnlyList<float> probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.Count != All.Count)
            throw new ArgumentException($"Expected {All.Count} probabilities, one per expression; got {probabilities.Count}.", nameof(probabilities));
        if (probabilities.Any(p => !(p >= 0 && p <= 1)))
            throw new ArgumentException("Every probability must be a number from 0 to 1.", nameof(probabilities));
        this.probabilities = [.. probabilities];
    }

    /// <summary>Every expression, in the network's order.</summary>
    public static IReadOnlyList<FaceExpression> All { get; } = Enum.GetValues<FaceExpression>();

    /// <summary>The probability of <paramref name="expression"/>.</summary>
    public float this[FaceExpression expression] => probabilities[(int)expression];

    /// <summary>The most probable expression (the first of equals).</summary>
    public FaceExpression Dominant
    {
        get
        {
            int best = 0;
            for (int i = 1; i < probabilities.Length; i++)
                if (probabilities[i] > probabilities[best]) best = i;
            return (FaceExpression)best;
        }
    }

    /// <summary>The probabilities in the order of <see cref="All"/>.</summary>
    public IReadOnlyList<float> Probabilities => probabilities;
}
