namespace FaceEmbeddings.Tests.Store;

/// <summary>A fresh directory under the system's temporary folder, deleted with its contents on dispose.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    /// <summary>Creates the directory.</summary>
    public TemporaryDirectory() => Directory.CreateDirectory(Path);

    /// <summary>The directory's full path.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"faceembeddings-tests-{Guid.NewGuid():N}");

    /// <summary>Every file under the directory, relative to it, with <c>/</c> separators.</summary>
    public IEnumerable<string> Files() =>
        Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories)
            .Select(file => System.IO.Path.GetRelativePath(Path, file).Replace('\\', '/'));

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}
