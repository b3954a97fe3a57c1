using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace FaceEmbeddings.Datasets;

/// <summary>
/// The labels UTKFace encodes in its file names, <c>AGE_GENDER_RACE_DATE.jpg.chip.jpg</c>: age in years,
/// gender (0 male, 1 female), race (0 White, 1 Black, 2 Asian, 3 Indian, 4 Others) and the capture time
/// (<c>yyyyMMddHHmmssfff</c>).
/// </summary>
/// <param name="Age">Age in years, 0 to <see cref="MaxAge"/>.</param>
/// <param name="Gender">The gender field.</param>
/// <param name="Race">The race field.</param>
/// <param name="Date">The date field as written (digits only).</param>
public sealed record UtkFaceLabels(int Age, UtkFaceGender Gender, UtkFaceRace Race, string Date)
{
    /// <summary>The oldest age UTKFace holds.</summary>
    public const int MaxAge = 116;

    /// <summary>The <see cref="FaceLabels"/> key of <see cref="Age"/>.</summary>
    public const string AgeKey = "age";

    /// <summary>The <see cref="FaceLabels"/> key of <see cref="Gender"/> (values <c>male</c>, <c>female</c>).</summary>
    public const string GenderKey = "gender";

    /// <summary>The <see cref="FaceLabels"/> key of <see cref="Race"/> (values <c>White</c>, <c>Black</c>, <c>Asian</c>,
    /// <c>Indian</c>, <c>Others</c>).</summary>
    public const string RaceKey = "race";

    /// <summary>The label keys of a UTKFace item, in the order <see cref="ToFaceLabels"/> gives them.</summary>
    public static IReadOnlyList<string> Keys { get; } = [AgeKey, GenderKey, RaceKey];

    /// <summary>Reads the labels from a UTKFace file name or path (only the file name counts).</summary>
    /// <exception cref="FormatException">The name is not <c>AGE_GENDER_RACE_DATE.…</c> with valid fields; the
    /// message names the file and the field.</exception>
    public static UtkFaceLabels Parse(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return TryParse(fileName, out UtkFaceLabels? labels, out string? problem)
            ? labels
            : throw new FormatException($"'{Path.GetFileName(fileName)}' is not a UTKFace name: {problem}.");
    }

    /// <summary>Reads the labels from a UTKFace file name or path (only the file name counts).</summary>
    /// <param name="fileName">The file name or path.</param>
    /// <param name="labels">The labels when the name is valid.</param>
    /// <param name="problem">What is wrong with the name when it is not, as a sentence fragment.</param>
    /// <returns>Whether the name is valid.</returns>
    public static bool TryParse(string fileName, [NotNullWhen(true)] out UtkFaceLabels? labels, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        labels = null;
        string name = Path.GetFileName(fileName);
        int extension = name.IndexOf('.', StringComparison.Ordinal);
        string stem = extension < 0 ? name : name[..extension];
        string[] fields = stem.Split('_');
        if (fields.Length != 4)
        {
            problem = $"expected 4 fields AGE_GENDER_RACE_DATE before the extension, found {fields.Length}";
            return false;
        }

        if (!TryParseField(fields[0], 0, MaxAge, out int age))
        {
            problem = $"the age '{fields[0]}' is not a whole number from 0 to {MaxAge}";
            return false;
        }
        if (!TryParseField(fields[1], 0, 1, out int gender))
        {
            problem = $"the gender '{fields[1]}' is not 0 (male) or 1 (female)";
            return false;
        }
        if (!TryParseField(fields[2], 0, 4, out int race))
        {
            problem = $"the race '{fields[2]}' is not 0 (White), 1 (Black), 2 (Asian), 3 (Indian) or 4 (Others)";
            return false;
        }
        if (fields[3].Length == 0 || !fields[3].All(char.IsAsciiDigit))
        {
            problem = $"the date '{fields[3]}' is not a string of digits";
            return false;
        }

        labels = new UtkFaceLabels(age, (UtkFaceGender)gender, (UtkFaceRace)race, fields[3]);
        problem = null;
        return true;
    }

    /// <summary>The labels as <see cref="FaceLabels"/>: <c>age</c>, <c>gender</c> (<c>male</c>/<c>female</c>) and
    /// <c>race</c> (<c>White</c>, <c>Black</c>, <c>Asian</c>, <c>Indian</c>, <c>Others</c>).</summary>
    public FaceLabels ToFaceLabels() => new(
    [
        KeyValuePair.Create(AgeKey, Age.ToString(CultureInfo.InvariantCulture)),
        KeyValuePair.Create(GenderKey, Gender == UtkFaceGender.Female ? "female" : "male"),
        KeyValuePair.Create(RaceKey, Race.ToString()),
    ]);

    private static bool TryParseField(string text, int min, int max, out int value)
    {
        // NumberStyles.None: digits only, no sign, no spaces.
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && value >= min && value <= max)
            return true;
        value = 0;
        return false;
    }
}
