using System.Text;

namespace FaceEmbeddings.IO;

/// <summary>The records of an RFC 4180 CSV text: quoted cells may hold commas, quotes (doubled) and line breaks.</summary>
internal static class CsvRecords
{
    /// <summary>Every record of <paramref name="text"/>, in order, blank lines included (as one empty cell).</summary>
    public static IEnumerable<string[]> Parse(string text)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                cells.Add(cell.ToString()); cell.Clear();
                yield return cells.ToArray();
                cells.Clear();
            }
            else cell.Append(c);
        }
        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            yield return cells.ToArray();
        }
    }
}
