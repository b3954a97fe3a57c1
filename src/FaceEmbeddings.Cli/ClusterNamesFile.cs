using System.Globalization;
using FaceEmbeddings.IO;

namespace FaceEmbeddings.Cli;

/// <summary>
/// <c>--names</c>: a CSV file (RFC 4180, header <c>cluster,name</c>) naming clusters of a <see cref="ClustersFile"/> by
/// their id; clusters left out are not enrolled, and clusters given one name are enrolled as one person.
/// </summary>
internal static class ClusterNamesFile
{
    /// <summary>The names by cluster id, in file order.</summary>
    /// <exception cref="UsageException">The file is missing, lacks the header, has a bad row, repeats a cluster or names
    /// a cluster <paramref name="clusters"/> does not hold.</exception>
    public static IReadOnlyList<(int Cluster, string Name)> Read(string path, ClustersFile clusters)
    {
        if (!File.Exists(path)) throw new UsageException($"--names {path}: no such file.");
        List<string[]> records = CsvRecords.Parse(File.ReadAllText(path)).Where(r => !(r.Length == 1 && r[0].Trim().Length == 0)).ToList();
        string[] header = records.Count > 0 ? records[0].Select(h => h.Trim()).ToArray() : [];
        if (header is not ["cluster", "name"])
            throw new UsageException($"--names {path}: the header must be 'cluster,name'; it is '{string.Join(",", header)}'.");
        var known = clusters.Clusters.Select(cluster => cluster.Id).ToHashSet();
        var names = new List<(int, string)>();
        var seen = new HashSet<int>();
        for (int r = 1; r < records.Count; r++)
        {
            string[] cells = records[r];
            if (cells.Length != 2 || !int.TryParse(cells[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int id) || cells[1].Trim().Length == 0)
                throw new UsageException($"--names {path}: line {r + 1} must be a cluster id and a name; it is '{string.Join(",", cells)}'.");
            if (!known.Contains(id))
                throw new UsageException($"--names {path}: line {r + 1} names cluster {id}, which the clusters file does not hold "
                    + $"(its clusters are 1 to {clusters.Clusters.Count}; smaller groups are unclustered).");
            if (!seen.Add(id))
                throw new UsageException($"--names {path}: cluster {id} is named twice.");
            names.Add((id, cells[1].Trim()));
        }
        if (names.Count == 0)
            throw new UsageException($"--names {path}: names no cluster; add lines such as '1,Ada Lovelace'.");
        return names;
    }
}
