using System.Diagnostics.CodeAnalysis;

namespace FaceEmbeddings.Datasets;

/// <summary>
/// The labels of one dataset item, as named values in a fixed order: <c>label</c> for an image folder or a glob
/// (the folder the file is in), <c>age</c>, <c>gender</c> and <c>race</c> for UTKFace names.
/// </summary>
public sealed class FaceLabels
{
    /// <summary>The key of the label an image folder or a glob gives: the name of the folder holding the file.</summary>
    public const string FolderKey = "label";

    private readonly KeyValuePair<string, string>[] labels;

    /// <summary>Creates labels from name/value pairs, kept in the order given.</summary>
    /// <exception cref="ArgumentException">A name is empty or repeated, or a value is null.</exception>
    public FaceLabels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        this.labels = labels.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in this.labels)
        {
            if (string.IsNullOrEmpty(key))
                throw new ArgumentException("A label name must not be empty.", nameof(labels));
            if (value is null)
                throw new ArgumentException($"The label '{key}' has no value.", nameof(labels));
            if (!seen.Add(key))
                throw new ArgumentException($"The label '{key}' appears twice.", nameof(labels));
        }
    }

    /// <summary>Labels holding the single label <paramref name="key"/> = <paramref name="value"/>.</summary>
    public static FaceLabels Of(string key, string value) => new([KeyValuePair.Create(key, value)]);

    /// <summary>The value of the label <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such label; the message lists the labels there are.</exception>
    public string this[string key] => TryGetValue(key, out string? value)
        ? value
        : throw new KeyNotFoundException($"There is no label '{key}'; the labels are {DescribeKeys()}.");

    /// <summary>The label names, in order.</summary>
    public IEnumerable<string> Keys => labels.Select(label => label.Key);

    /// <summary>The label values, in the order of <see cref="Keys"/>.</summary>
    public IEnumerable<string> Values => labels.Select(label => label.Value);

    /// <summary>The labels as name/value pairs, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Pairs => labels;

    /// <summary>How many labels there are.</summary>
    public int Count => labels.Length;

    /// <summary>Whether there is a label named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <summary>Reads the label named <paramref name="key"/>, if there is one.</summary>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        foreach (var label in labels)
        {
            if (string.Equals(label.Key, key, StringComparison.Ordinal))
            {
                value = label.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    /// <summary>The labels as <c>name=value</c> pairs, for example <c>age=23, gender=female, race=Black</c>.</summary>
    public override string ToString() => string.Join(", ", labels.Select(label => $"{label.Key}={label.Value}"));

    private string DescribeKeys() => labels.Length == 0 ? "none" : string.Join(", ", labels.Select(label => $"'{label.Key}'"));
}
