namespace FaceEmbeddings.Runtime;

/// <summary>
/// Cuts a sequence into consecutive chunks whose total weight stays within a budget, such as batches of images whose
/// pixels stay within a pixel budget. An item heavier than the whole budget still goes, in a chunk of its own.
/// </summary>
internal static class BudgetedChunks
{
    /// <summary>
    /// The items of <paramref name="items"/> in order, in chunks of at most <paramref name="maxCount"/> items whose
    /// weights sum to at most <paramref name="budget"/> (or of one item heavier than that). Lazy: an item is taken from
    /// <paramref name="items"/> when it is weighed, and a chunk that is not full by count is only closed once the next
    /// item is found not to fit, so one item of the next chunk has been taken by then.
    /// </summary>
    /// <param name="items">The items, in order.</param>
    /// <param name="weight">An item's weight, at least 0.</param>
    /// <param name="budget">The most a chunk of more than one item may weigh; at least 1.</param>
    /// <param name="maxCount">The most items a chunk holds; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="budget"/> or <paramref name="maxCount"/> is below 1,
    /// or (while enumerating) an item weighs less than 0.</exception>
    public static IEnumerable<T[]> Of<T>(IEnumerable<T> items, Func<T, long> weight, long budget, int maxCount = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return Chunks(items, weight, budget, maxCount);
    }

    private static IEnumerable<T[]> Chunks<T>(IEnumerable<T> items, Func<T, long> weight, long budget, int maxCount)
    {
        var chunk = new List<T>();
        long total = 0;
        foreach (T item in items)
        {
            long itemWeight = weight(item);
            if (itemWeight < 0)
                throw new ArgumentOutOfRangeException(nameof(weight), itemWeight, "An item's weight must be at least 0.");
            // Compared as a difference, so that weights near long.MaxValue cannot overflow the sum. An item that weighs
            // nothing never closes a chunk, not even one whose single item is over the budget.
            if (chunk.Count > 0 && itemWeight > 0 && itemWeight > budget - total)
            {
                yield return chunk.ToArray();
                chunk.Clear();
                total = 0;
            }
            chunk.Add(item);
            total += itemWeight;
            if (chunk.Count == maxCount)
            {
                yield return chunk.ToArray();
                chunk.Clear();
                total = 0;
            }
        }
        if (chunk.Count > 0)
            yield return chunk.ToArray();
    }
}
