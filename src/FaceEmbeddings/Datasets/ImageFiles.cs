using Microsoft.Extensions.FileSystemGlobbing;

namespace FaceEmbeddings.Datasets;

/// <summary>Lists the image files a <see cref="FaceDataset"/> is made of, in a stable order (ordinal by full path).</summary>
internal static class ImageFiles
{
    /// <summary>The extensions taken as images when a folder is listed (those of torchvision's <c>ImageFolder</c>, plus WebP).</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(
        [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".ppm", ".pgm", ".tif", ".tiff"], StringComparer.OrdinalIgnoreCase);

    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>Whether <paramref name="pattern"/> holds a wildcard (<c>*</c>; the only one FileSystemGlobbing knows).</summary>
    public static bool HasWildcards(string pattern) => pattern.Contains('*', StringComparison.Ordinal);

    /// <summary>The image files in <paramref name="directory"/> (and its subfolders when <paramref name="recursive"/>).</summary>
    public static IReadOnlyList<string> InFolder(string directory, bool recursive)
    {
        RequireDirectory(directory);
        var option = recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
        return Sorted(Directory.EnumerateFiles(Path.GetFullPath(directory), "*", option).Where(IsImage));
    }

    /// <summary>
    /// The files matching <paramref name="pattern"/> (<c>*</c> within a name, <c>**</c> for any depth), relative to
    /// <paramref name="baseDirectory"/> (default: the current directory) unless the pattern is rooted. Names match
    /// case-insensitively, so <c>*.jpg</c> finds <c>.JPG</c> files too.
    /// </summary>
    public static IReadOnlyList<string> Matching(string pattern, string? baseDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        string normalized = pattern.Replace('\\', '/');
        string[] segments = normalized.Split('/');
        int fixedSegments = 0;
        while (fixedSegments < segments.Length - 1 && !HasWildcards(segments[fixedSegments]))
            fixedSegments++;

        string prefix = string.Join('/', segments.Take(fixedSegments));
        if (Path.IsPathRooted(normalized) && prefix.Length == 0)
            prefix = "/";
        string root = Path.GetFullPath(prefix.Length == 0 ? "." : prefix, Path.GetFullPath(baseDirectory ?? "."));
        string relative = string.Join('/', segments.Skip(fixedSegments));
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"The folder '{root}' of the pattern '{pattern}' does not exist.");

        var matcher = new Matcher(StringComparison.OrdinalIgnoreCase);
        matcher.AddInclude(relative);
        return Sorted(matcher.GetResultsInFullPath(root));
    }

    public static void RequireDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException(File.Exists(directory)
                ? $"'{directory}' is a file, not a folder of images."
                : $"The folder '{directory}' does not exist.");
    }

    private static List<string> Sorted(IEnumerable<string> paths)
    {
        var list = paths.Select(Path.GetFullPath).ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }
}
