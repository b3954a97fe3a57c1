using FaceEmbeddings.IO;

namespace FaceEmbeddings.Datasets;

/// <summary>
/// People and their group attributes, read from a CSV file (RFC 4180, header row): an <c>identity</c> column naming the
/// person (the folder name of a dataset labelled by folders) and one column per attribute, e.g.
/// <c>identity,gender,age_band</c>. An identity-aware audit groups each face by its person's attributes.
/// </summary>
public sealed class PeopleAttributes
{
    /// <summary>The column naming the person.</summary>
    public const string IdentityColumn = "identity";

    private readonly Dictionary<string, string[]> rows;

    private PeopleAttributes(string source, string[] attributes, Dictionary<string, string[]> rows)
    {
        Source = source;
        Attributes = attributes;
        this.rows = rows;
    }

    /// <summary>Where the table was read from.</summary>
    public string Source { get; }

    /// <summary>The attribute columns, in file order (the identity column left out).</summary>
    public IReadOnlyList<string> Attributes { get; }

    /// <summary>The people of the table.</summary>
    public IReadOnlyCollection<string> People => rows.Keys;

    /// <summary>Reads and checks the file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="PeopleAttributesException">The file is empty, has no identity column or no attribute column,
    /// repeats a person, or a row has the wrong number of cells or an empty one.</exception>
    public static async Task<PeopleAttributes> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file.", path);
        return Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);
    }

    /// <summary>Reads and checks the CSV <paramref name="text"/>.</summary>
    /// <param name="text">The table.</param>
    /// <param name="source">Names the table in error messages (e.g. its file).</param>
    /// <exception cref="PeopleAttributesException">As <see cref="LoadAsync"/>.</exception>
    public static PeopleAttributes Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(source);
        List<CsvRecord> records = CsvRecords.Parse(text).ToList();
        if (records.Count == 0)
            throw new PeopleAttributesException(source, $"the file is empty; it needs a header with an '{IdentityColumn}' column.");
        string[] header = records[0].Cells.Select(name => name.Trim()).ToArray();
        int identity = Array.IndexOf(header, IdentityColumn);
        if (identity < 0 || header.Length < 2)
            throw new PeopleAttributesException(source,
                $"the header needs an '{IdentityColumn}' column and at least one attribute column; it has {string.Join(", ", header)}.");
        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (int r = 1; r < records.Count; r++)
        {
            string[] cells = records[r].Cells;
            if (cells.Length != header.Length)
                throw new PeopleAttributesException(source, $"line {records[r].Line} has {cells.Length} cells, the header {header.Length}.");
            string person = cells[identity].Trim();
            string[] values = cells.Where((_, c) => c != identity).Select(value => value.Trim()).ToArray();
            if (person.Length == 0 || values.Any(value => value.Length == 0))
                throw new PeopleAttributesException(source, $"line {records[r].Line} has an empty cell.");
            if (!rows.TryAdd(person, values))
                throw new PeopleAttributesException(source, $"person '{person}' appears twice.");
        }
        return new PeopleAttributes(source, header.Where((_, c) => c != identity).ToArray(), rows);
    }

    /// <summary>
    /// The group of each of <paramref name="people"/>: the values of <paramref name="attributes"/> joined as
    /// <see cref="GroupLabels.Combine"/> joins labels (one attribute: its value).
    /// </summary>
    /// <exception cref="ArgumentException">An attribute is not a column of the table.</exception>
    /// <exception cref="PeopleAttributesException">A person is not in the table.</exception>
    public IReadOnlyList<string> GroupsOf(IReadOnlyList<string> people, IReadOnlyList<string> attributes)
    {
        ArgumentNullException.ThrowIfNull(people);
        int[] columns = ColumnsOf(attributes);
        string[] missing = people.Where(person => !rows.ContainsKey(person)).Distinct().ToArray();
        if (missing.Length > 0)
            throw new PeopleAttributesException(Source,
                $"no row for {string.Join(", ", missing.Take(5).Select(person => $"'{person}'"))}{(missing.Length > 5 ? $" and {missing.Length - 5} more" : "")}.");
        return GroupLabels.Combine(columns.Select(column => (IReadOnlyList<string>)people.Select(person => rows[person][column]).ToArray()).ToList());
    }

    /// <summary>The column index of each of <paramref name="attributes"/>.</summary>
    /// <exception cref="ArgumentException">No attribute is given, or one is not a column of the table.</exception>
    internal int[] ColumnsOf(IReadOnlyList<string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        int[] columns = attributes.Select(attribute => Attributes.ToList().IndexOf(attribute)).ToArray();
        string[] unknown = attributes.Where((_, a) => columns[a] < 0).ToArray();
        if (unknown.Length > 0 || attributes.Count == 0)
            throw new ArgumentException($"{string.Join(", ", unknown.Length > 0 ? unknown : ["(none)"])}: no such column in {Source}; the columns are {string.Join(", ", Attributes)}.", nameof(attributes));
        return columns;
    }
}
