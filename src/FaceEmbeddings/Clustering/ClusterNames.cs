using System.Globalization;
using FaceEmbeddings.IO;

namespace FaceEmbeddings.Clustering;

/// <summary>
/// The names a person gives to the clusters of a <see cref="ClusterReport"/>: a CSV file (RFC 4180, header <c>cluster,name</c>)
/// naming clusters by their id. Clusters left out are not enrolled, and clusters given one name are one person
/// (<see cref="ClusterEmbeddings.EnrollAsync"/>).
/// </summary>
public static class ClusterNames
{
    /// <summary>Reads and checks the names of <paramref name="clusters"/>' clusters.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="clusters">The report whose clusters it names.</param>
    /// <returns>The names by cluster id, in file order.</returns>
    /// <exception cref="ClusterReportException">The file is missing, lacks the header, has a bad row, repeats a cluster, names
    /// a cluster <paramref name="clusters"/> does not hold, or names none.</exception>
    public static IReadOnlyList<NamedCluster> Read(string path, ClusterReport clusters)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(clusters);
        if (!File.Exists(path)) throw new ClusterReportException(path, "no such file.");
        List<CsvRecord> records = CsvRecords.Parse(File.ReadAllText(path)).ToList();
        string[] header = records.Count > 0 ? records[0].Cells.Select(h => h.Trim()).ToArray() : [];
        if (header is not ["cluster", "name"])
            throw new ClusterReportException(path, $"the header must be 'cluster,name'; it is '{string.Join(",", header)}'.");
        var known = clusters.Clusters.Select(cluster => cluster.Id).ToHashSet();
        var names = new List<NamedCluster>();
        var seen = new HashSet<int>();
        for (int r = 1; r < records.Count; r++)
        {
            var (line, cells) = records[r];
            if (cells.Length != 2 || !int.TryParse(cells[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int id) || cells[1].Trim().Length == 0)
                throw new ClusterReportException(path, $"line {line} must be a cluster id and a name; it is '{string.Join(",", cells)}'.");
            if (!known.Contains(id))
                throw new ClusterReportException(path, $"line {line} names cluster {id}, which the cluster report does not hold "
                    + $"(its clusters are 1 to {clusters.Clusters.Count}; smaller groups are unclustered).");
            if (!seen.Add(id))
                throw new ClusterReportException(path, $"cluster {id} is named twice.");
            names.Add(new NamedCluster(id, cells[1].Trim()));
        }
        if (names.Count == 0)
            throw new ClusterReportException(path, $"names no cluster; add lines such as '1,Ada Lovelace'.");
        return names;
    }
}

/// <summary>A cluster of a <see cref="ClusterReport"/> and the person it shows.</summary>
/// <param name="Cluster">The cluster's id (<see cref="ClusterReportEntry.Id"/>).</param>
/// <param name="Name">The person's name.</param>
public sealed record NamedCluster(int Cluster, string Name);
