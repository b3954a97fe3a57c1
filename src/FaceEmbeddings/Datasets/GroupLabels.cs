namespace FaceEmbeddings.Datasets;

/// <summary>Group labels made of several labels, for auditing intersections such as race × gender.</summary>
public static class GroupLabels
{
    /// <summary>
    /// Joins several per-row attributes into one group label per row, e.g. race and gender into
    /// "Black, female", for auditing intersections.
    /// </summary>
    /// <param name="attributes">One list per attribute, each with one non-empty value per row, all of one length.</param>
    /// <param name="separator">Placed between the attribute values.</param>
    /// <returns>One label per row.</returns>
    /// <exception cref="ArgumentException">No attribute is given, the lists differ in length, or a value is null or empty.</exception>
    public static string[] Combine(IReadOnlyList<IReadOnlyList<string>> attributes, string separator = ", ")
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(separator);
        if (attributes.Count == 0) throw new ArgumentException("At least one attribute is needed to form groups.", nameof(attributes));
        for (int a = 0; a < attributes.Count; a++)
        {
            IReadOnlyList<string> values = attributes[a] ?? throw new ArgumentException($"Attribute {a} is null.", nameof(attributes));
            if (values.Count != attributes[0].Count)
                throw new ArgumentException($"All attributes need one value per row; attribute 0 has {attributes[0].Count}, attribute {a} has {values.Count}.", nameof(attributes));
            int empty = values.ToList().FindIndex(string.IsNullOrEmpty);
            if (empty >= 0) throw new ArgumentException($"Attribute {a} has a null or empty value at row {empty}.", nameof(attributes));
        }
        return Enumerable.Range(0, attributes[0].Count)
            .Select(row => string.Join(separator, attributes.Select(values => values[row])))
            .ToArray();
    }

    /// <summary>The group of one item when grouping by the labels <paramref name="keys"/>, joined as
    /// <see cref="Combine"/> joins them: e.g. <c>Black, female</c> for <c>race, gender</c>.</summary>
    /// <exception cref="KeyNotFoundException">The item has no label of one of the keys.</exception>
    public static string Of(FaceLabels labels, IReadOnlyList<string> keys, string separator = ", ")
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(keys);
        return string.Join(separator, keys.Select(key => labels[key]));
    }
}
