namespace FaceEmbeddings.Metrics;

/// <summary>
/// Group labels turned into indices: groups numbered in order of first appearance, each row's group index, and each
/// group's rows in input order. The one grouping of the library: <see cref="Clusters.Summarize"/>, the audit and the
/// plots all group through it, so they agree on the order.
/// </summary>
internal sealed class GroupIndex
{
    private GroupIndex(string[] names, int[] codes, int[][] members)
    {
        Names = names;
        Codes = codes;
        Members = members;
    }

    /// <summary>Group names in order of first appearance.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>For each row, the index of its group in <see cref="Names"/>.</summary>
    public IReadOnlyList<int> Codes { get; }

    /// <summary>For each group, its rows in input order.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Members { get; }

    /// <summary>Indexes <paramref name="groups"/>, one label per row of a matrix with <paramref name="rows"/> rows.</summary>
    /// <exception cref="ArgumentException">The count differs from <paramref name="rows"/>, or a label is null or empty.</exception>
    public static GroupIndex Of(IReadOnlyList<string> groups, long rows, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(groups, parameterName);
        if (groups.Count != rows)
            throw new ArgumentException($"'{parameterName}' must hold one group label per embedding ({rows}); got {groups.Count} labels.", parameterName);

        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var members = new List<List<int>>();
        var codes = new int[groups.Count];
        for (int row = 0; row < groups.Count; row++)
        {
            string? label = groups[row];
            if (string.IsNullOrEmpty(label))
                throw new ArgumentException($"'{parameterName}' has a {(label is null ? "null" : "empty")} group label at index {row}.", parameterName);
            if (!positions.TryGetValue(label, out int code))
            {
                code = members.Count;
                positions.Add(label, code);
                members.Add(new List<int>());
            }
            codes[row] = code;
            members[code].Add(row);
        }
        return new GroupIndex(positions.OrderBy(p => p.Value).Select(p => p.Key).ToArray(), codes, members.Select(m => m.ToArray()).ToArray());
    }
}
