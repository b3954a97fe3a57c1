using System.Globalization;

namespace FaceEmbeddings.Evaluation;

/// <summary>
/// A pairs file for <see cref="VerificationEvaluation.EvaluatePairsAsync"/>: one pair a line, <c>file_x,file_y,same</c>,
/// where <c>same</c> is <c>yes</c>/<c>no</c>, <c>true</c>/<c>false</c> or <c>1</c>/<c>0</c> and relative paths start from
/// the file's folder. A first line <c>file_x,file_y,same</c> is a header; blank lines and lines starting with <c>#</c> are
/// skipped. A line with another number of fields, an unknown label or a missing image is rejected with its number.
/// </summary>
public sealed class VerificationPairsFile
{
    private VerificationPairsFile(IReadOnlyList<Pair> pairs, IReadOnlyList<RejectedPair> rejected)
    {
        Pairs = pairs;
        Rejected = rejected;
    }

    /// <summary>The usable lines: both images exist and the label is known.</summary>
    public IReadOnlyList<Pair> Pairs { get; }

    /// <summary>The lines left out, with the reason.</summary>
    public IReadOnlyList<RejectedPair> Rejected { get; }

    /// <summary>One usable line.</summary>
    /// <param name="Line">Its number, from 1.</param>
    /// <param name="First">The first image's full path.</param>
    /// <param name="Second">The second image's full path.</param>
    /// <param name="SamePerson">Its label.</param>
    public sealed record Pair(int Line, string First, string Second, bool SamePerson);

    /// <summary>Reads and checks a pairs file.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static async Task<VerificationPairsFile> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The pairs file '{path}' does not exist.", path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string[] lines = await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false);
        var pairs = new List<Pair>();
        var rejected = new List<RejectedPair>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            int number = i + 1;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string[] fields = line.Split(',').Select(field => field.Trim()).ToArray();
            if (i == 0 && fields.Length == 3 && fields[2].Equals("same", StringComparison.OrdinalIgnoreCase)) continue;
            if (fields.Length != 3)
            {
                rejected.Add(new RejectedPair(number, string.Create(CultureInfo.InvariantCulture, $"expected 3 fields (file_x,file_y,same), found {fields.Length}")));
                continue;
            }
            if (!TryParseLabel(fields[2], out bool same))
            {
                rejected.Add(new RejectedPair(number, $"unknown label '{fields[2]}' (use yes/no, true/false or 1/0)"));
                continue;
            }
            string first = Path.GetFullPath(fields[0], folder), second = Path.GetFullPath(fields[1], folder);
            string? missing = !File.Exists(first) ? first : !File.Exists(second) ? second : null;
            if (missing is not null)
                rejected.Add(new RejectedPair(number, $"the image '{missing}' does not exist"));
            else
                pairs.Add(new Pair(number, first, second, same));
        }
        return new VerificationPairsFile(pairs, rejected);
    }

    private static bool TryParseLabel(string text, out bool same)
    {
        (bool known, same) = text.ToLowerInvariant() switch
        {
            "yes" or "true" or "1" => (true, true),
            "no" or "false" or "0" => (true, false),
            _ => (false, false),
        };
        return known;
    }
}
