namespace FaceEmbeddings.Clustering;

/// <summary>How well two partitions of the same items agree, for judging a clustering against known identities.</summary>
public static class ClusterAgreement
{
    /// <summary>
    /// The adjusted Rand index of Hubert and Arabie (1985), as scikit-learn's <c>adjusted_rand_score</c>: 1 for the same
    /// partition (whatever the label names), about 0 for an unrelated one, negative below chance. It counts the pairs of
    /// items both partitions put together, corrected for what the cluster sizes alone would give. When that correction
    /// leaves nothing to measure (both partitions one cluster, or both all singletons) it is 1, as scikit-learn's.
    /// </summary>
    /// <typeparam name="TFirst">The label type of <paramref name="first"/>.</typeparam>
    /// <typeparam name="TSecond">The label type of <paramref name="second"/>.</typeparam>
    /// <param name="first">One label per item, such as the true identities.</param>
    /// <param name="second">One label per item, such as cluster ids.</param>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths, or hold a null label.</exception>
    public static double AdjustedRandIndex<TFirst, TSecond>(IReadOnlyList<TFirst> first, IReadOnlyList<TSecond> second)
        where TFirst : notnull
        where TSecond : notnull
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count == 0)
            throw new ArgumentException("The adjusted Rand index needs at least one item.", nameof(first));
        if (second.Count != first.Count)
            throw new ArgumentException($"'{nameof(second)}' has {second.Count} labels but '{nameof(first)}' has {first.Count}; give one label per item in both.", nameof(second));
        if (first.Any(label => label is null))
            throw new ArgumentException("A label is null.", nameof(first));
        if (second.Any(label => label is null))
            throw new ArgumentException("A label is null.", nameof(second));

        var together = new Dictionary<(TFirst, TSecond), long>();
        var firstSizes = new Dictionary<TFirst, long>();
        var secondSizes = new Dictionary<TSecond, long>();
        for (int item = 0; item < first.Count; item++)
        {
            Increment(together, (first[item], second[item]));
            Increment(firstSizes, first[item]);
            Increment(secondSizes, second[item]);
        }
        double index = together.Values.Sum(Pairs);
        double firstPairs = firstSizes.Values.Sum(Pairs), secondPairs = secondSizes.Values.Sum(Pairs);
        double expected = firstPairs * secondPairs / Pairs(first.Count);
        double maximum = (firstPairs + secondPairs) / 2;
        return maximum == expected ? 1.0 : (index - expected) / (maximum - expected);
    }

    private static double Pairs(long count) => count * (count - 1) / 2.0;

    private static void Increment<TKey>(Dictionary<TKey, long> counts, TKey key)
        where TKey : notnull =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
