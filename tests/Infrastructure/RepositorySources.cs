namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>The repository this test assembly was built from, and its C# sources, for the tests that read code.</summary>
public static class RepositorySources
{
    /// <summary>The folder holding <c>FaceEmbeddings.sln</c>, above the test assembly.</summary>
    public static string Root()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FaceEmbeddings.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (FaceEmbeddings.sln) was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// The <c>.cs</c> files under <paramref name="folder"/> (relative to the root), less build outputs, in ordinal
    /// order, as (path relative to the root, text).
    /// </summary>
    public static (string Path, string Text)[] CSharpFiles(string folder)
    {
        string full = Path.Combine(Root(), folder);
        return [.. Directory.EnumerateFiles(full, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsUnder(path, full, "obj") && !IsUnder(path, full, "bin") && !IsUnder(path, full, "buildTransitive"))
            .Order(StringComparer.Ordinal)
            .Select(path => (System.IO.Path.GetRelativePath(Root(), path), File.ReadAllText(path)))];
    }

    private static bool IsUnder(string path, string folder, string child) =>
        System.IO.Path.GetRelativePath(folder, path).StartsWith(child + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
