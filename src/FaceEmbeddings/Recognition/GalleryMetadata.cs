using System.Collections.ObjectModel;

namespace FaceEmbeddings.Recognition;

/// <summary>The string key/values stored with an identity: checked and copied, so the caller's dictionary is never kept.</summary>
public static class GalleryMetadata
{
    /// <summary>The metadata of an identity enrolled without any.</summary>
    public static ReadOnlyDictionary<string, string> Empty { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>An ordinal, read-only copy of <paramref name="metadata"/>.</summary>
    /// <param name="metadata">Key/values; keys non-empty, values non-null.</param>
    /// <param name="parameterName">How error messages name the argument.</param>
    /// <exception cref="ArgumentException">A key is empty or a value is null.</exception>
    public static ReadOnlyDictionary<string, string> Copy(IReadOnlyDictionary<string, string> metadata, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(metadata, parameterName);
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in metadata)
        {
            if (string.IsNullOrEmpty(key))
                throw new ArgumentException("Metadata keys must be non-empty.", parameterName);
            copy.Add(key, value ?? throw new ArgumentException($"Metadata '{key}' has a null value.", parameterName));
        }
        return copy.AsReadOnly();
    }
}
