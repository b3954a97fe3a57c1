namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>
/// Locates the read-only <c>shared/</c> folder of fixtures, models and data: the environment variable
/// <c>FACEEMBEDDINGS_SHARED</c> first, then a <c>shared</c> folder beside the repository root.
/// Under CI (<c>CI=true</c>) a missing folder or file is a failure, never a skip.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>True when running under CI, where missing shared data must fail the run.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The shared folder, or <c>null</c> when it cannot be found.</summary>
    public static string? TryRoot => Root.Value;

    /// <summary>The full path of <paramref name="relativePath"/> inside the shared folder; throws when absent.</summary>
    public static string PathOf(string relativePath)
    {
        string root = Root.Value ?? throw new SharedDataMissingException(
            "The shared data folder was not found: set FACEEMBEDDINGS_SHARED or place 'shared' beside the repository root.");
        string full = Path.Combine(root, relativePath);
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new SharedDataMissingException($"Shared data '{relativePath}' is missing under '{root}'.");
        return full;
    }

    private static string? FindRoot()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("FACEEMBEDDINGS_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment))
            return Directory.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceEmbeddings.sln")))
            {
                string beside = Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared");
                return Directory.Exists(beside) ? beside : null;
            }
        }
        return null;
    }
}

/// <summary>Thrown when a test needs shared data that is not there.</summary>
public sealed class SharedDataMissingException(string message) : Exception(message);
