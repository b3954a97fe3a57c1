using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Datasets;

/// <summary>
/// A temporary image folder laid out for <c>FaceDataset</c>: photos from <c>shared/data/people</c> in one
/// subfolder per person, plus files a dataset must cope with. Deleted on dispose.
/// </summary>
public sealed class DatasetFolder : IDisposable
{
    /// <summary>Creates an empty folder.</summary>
    public DatasetFolder() => Directory.CreateDirectory(Root);

    /// <summary>The folder's full path.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"faceembeddings-dataset-{Guid.NewGuid():N}");

    /// <summary>The full path of <paramref name="relative"/> inside the folder.</summary>
    public string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    /// <summary>Copies <c>shared/data/people/<paramref name="person"/>/<paramref name="file"/></c> to <paramref name="target"/>.</summary>
    public string CopyPerson(string person, string file, string target)
    {
        string path = PathOf(target);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(SharedData.PathOf($"data/people/{person}/{file}"), path);
        return path;
    }

    /// <summary>Copies a UTKFace chip from <c>shared/data/utkface</c>, optionally under another name.</summary>
    public string CopyUtkFace(string file, string? target = null)
    {
        string path = PathOf(target ?? file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(SharedData.PathOf($"data/utkface/{file}"), path);
        return path;
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="relative"/>.</summary>
    public string Write(string relative, byte[] bytes)
    {
        string path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes the first half of a real JPEG under <paramref name="relative"/>: a file that starts like an image but is cut off.</summary>
    public string WriteTruncatedJpeg(string relative)
    {
        byte[] whole = File.ReadAllBytes(SharedData.PathOf("data/people/obama/obama.jpg"));
        return Write(relative, whole[..(whole.Length / 2)]);
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
            Directory.Delete(Root, recursive: true);
    }
}
