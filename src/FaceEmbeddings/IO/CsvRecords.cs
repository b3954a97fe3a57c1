using System.Text;

namespace FaceEmbeddings.IO;

/// <summary>The records of an RFC 4180 CSV text: quoted cells may hold commas, quotes (doubled) and line breaks.</summary>
internal static class CsvRecords
{
    /// <summary>Every record of <paramref name="text"/>, in order, with the line it starts on (from 1, as an editor counts,
    /// quoted line breaks included); blank and whitespace-only lines are skipped.</summary>
    public static IEnumerable<CsvRecord> Parse(string text)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        int line = 1, start = 1;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else
                {
                    if (c == '\n' || (c == '\r' && !(i + 1 < text.Length && text[i + 1] == '\n'))) line++;
                    cell.Append(c);
                }
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                cells.Add(cell.ToString()); cell.Clear();
                if (!IsBlank(cells))
                    yield return new CsvRecord(start, cells.ToArray());
                cells.Clear();
                start = ++line;
            }
            else cell.Append(c);
        }
        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            if (!IsBlank(cells))
                yield return new CsvRecord(start, cells.ToArray());
        }
    }

    private static bool IsBlank(List<string> cells) => cells.Count == 1 && string.IsNullOrWhiteSpace(cells[0]);
}

/// <summary>One record of a CSV text and the line it starts on.</summary>
internal sealed record CsvRecord(int Line, string[] Cells);
