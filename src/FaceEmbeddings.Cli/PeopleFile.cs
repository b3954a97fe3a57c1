namespace FaceEmbeddings.Cli;

/// <summary>
/// A CSV file (RFC 4180, header row) that maps each person to group attributes: an <c>identity</c> column naming the person
/// (the folder name with <c>--labels folders</c>) and one column per attribute, e.g. <c>identity,gender,age_band</c>.
/// </summary>
internal sealed class PeopleFile
{
    public const string IdentityColumn = "identity";

    private readonly Dictionary<string, string[]> rows;

    private PeopleFile(string path, string[] attributes, Dictionary<string, string[]> rows)
    {
        Path = path;
        Attributes = attributes;
        this.rows = rows;
    }

    public string Path { get; }

    /// <summary>The attribute columns, in file order (the identity column left out).</summary>
    public IReadOnlyList<string> Attributes { get; }

    /// <summary>Reads and checks the file.</summary>
    /// <exception cref="UsageException">The file is missing, has no identity column, repeats a person, or a row has the wrong number of cells.</exception>
    public static PeopleFile Read(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--groups {path}: no such file.");
        List<string[]> records = CsvRecords.Parse(File.ReadAllText(path)).Where(r => !(r.Length == 1 && r[0].Length == 0)).ToList();
        if (records.Count == 0) throw new UsageException($"--groups {path}: the file is empty; it needs a header with an '{IdentityColumn}' column.");
        string[] header = records[0].Select(h => h.Trim()).ToArray();
        int identity = Array.IndexOf(header, IdentityColumn);
        if (identity < 0 || header.Length < 2)
            throw new UsageException($"--groups {path}: the header needs an '{IdentityColumn}' column and at least one attribute column; it has {string.Join(", ", header)}.");
        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (int r = 1; r < records.Count; r++)
        {
            string[] cells = records[r];
            if (cells.Length != header.Length)
                throw new UsageException($"--groups {path}: line {r + 1} has {cells.Length} cells, the header {header.Length}.");
            string person = cells[identity].Trim();
            string[] values = cells.Where((_, c) => c != identity).Select(v => v.Trim()).ToArray();
            if (person.Length == 0 || values.Any(v => v.Length == 0))
                throw new UsageException($"--groups {path}: line {r + 1} has an empty cell.");
            if (!rows.TryAdd(person, values))
                throw new UsageException($"--groups {path}: person '{person}' appears twice.");
        }
        return new PeopleFile(path, header.Where((_, c) => c != identity).ToArray(), rows);
    }

    /// <summary>The values of <paramref name="attribute"/> for each of <paramref name="people"/>.</summary>
    /// <exception cref="UsageException">A person is not in the file.</exception>
    public string[] ValuesOf(string attribute, IReadOnlyList<string> people)
    {
        int column = Attributes.ToList().IndexOf(attribute);
        string[] missing = people.Where(p => !rows.ContainsKey(p)).Distinct().ToArray();
        if (missing.Length > 0)
            throw new UsageException($"--groups {Path}: no row for {string.Join(", ", missing.Take(5).Select(m => $"'{m}'"))}{(missing.Length > 5 ? $" and {missing.Length - 5} more" : "")}.");
        return people.Select(p => rows[p][column]).ToArray();
    }
}
