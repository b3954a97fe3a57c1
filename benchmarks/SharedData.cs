namespace FaceEmbeddings.Benchmarks;

/// <summary>
/// Finds the read-only <c>shared/</c> folder as the tests do: <c>FACEEMBEDDINGS_SHARED</c> first, then a
/// <c>shared</c> folder beside the repository root (found by walking up to FaceEmbeddings.sln).
/// </summary>
internal static class SharedData
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string PathOf(string relativePath)
    {
        string full = Path.Combine(Root.Value, relativePath);
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new FileNotFoundException($"Shared data '{relativePath}' is missing under '{Root.Value}'.", full);
        return full;
    }

    private static string FindRoot()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("FACEEMBEDDINGS_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Directory.Exists(fromEnvironment)
                ? Path.GetFullPath(fromEnvironment)
                : throw new DirectoryNotFoundException($"FACEEMBEDDINGS_SHARED names '{fromEnvironment}', which is not a folder.");
        }

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceEmbeddings.sln")))
            {
                string beside = Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared");
                if (Directory.Exists(beside)) return beside;
                break;
            }
        }
        throw new DirectoryNotFoundException(
            "The shared data folder was not found: set FACEEMBEDDINGS_SHARED or place 'shared' beside the repository root.");
    }
}
