using System.Globalization;

namespace FaceEmbeddings.Clustering;

/// <summary>
/// Each cluster's photos copied into a folder of its own (<c>cluster-1</c>, …) under an output folder, to sort a collection by person.
/// A file already there is never overwritten: a copy of the same bytes is left as it is, and anything else keeps its
/// name while the photo gets the next free one (<c>photo-2.jpg</c>).
/// </summary>
public static class ClusterFolders
{
    /// <summary>Copies the photos of <paramref name="file"/>'s clusters into their folders under <paramref name="outputFolder"/>.</summary>
    /// <param name="outputFolder">Where the cluster folders go (made as needed).</param>
    /// <param name="file">The clusters.</param>
    /// <param name="cancellationToken">Stops between photos.</param>
    /// <returns>How many files were written (a photo whose copy was already there is not).</returns>
    public static async Task<int> CopyAsync(string outputFolder, ClusterReport file, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputFolder);
        ArgumentNullException.ThrowIfNull(file);
        int written = 0;
        foreach (ClusterReportEntry cluster in file.Clusters)
        {
            string folder = Directory.CreateDirectory(Path.Combine(outputFolder, FolderName(cluster.Id))).FullName;
            foreach (string photo in cluster.Files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (await CopyOnceAsync(photo, folder, cancellationToken).ConfigureAwait(false))
                    written++;
            }
        }
        return written;
    }

    /// <summary>The folder of cluster <paramref name="id"/>.</summary>
    private static string FolderName(int id) => string.Create(CultureInfo.InvariantCulture, $"cluster-{id}");

    /// <summary>Copies <paramref name="photo"/> into <paramref name="folder"/> under the first name that is free or already
    /// holds the same bytes; false when such a copy was there. The bytes go to a temporary file first, moved to the name
    /// only when complete and only if the name is still free, so neither a half-written nor an overwritten file results.</summary>
    private static async Task<bool> CopyOnceAsync(string photo, string folder, CancellationToken cancellationToken)
    {
        string stem = Path.GetFileNameWithoutExtension(photo), extension = Path.GetExtension(photo);
        string temporary = Path.Combine(folder, "." + stem + extension + ".tmp-" + Guid.NewGuid().ToString("N"));
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                string target = Path.Combine(folder, attempt == 1 ? stem + extension : string.Create(CultureInfo.InvariantCulture, $"{stem}-{attempt}{extension}"));
                if (File.Exists(target))
                {
                    if (await SameBytesAsync(photo, target, cancellationToken).ConfigureAwait(false))
                        return false;
                    continue;
                }
                if (!File.Exists(temporary))
                {
                    await using var source = new FileStream(photo, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
                    await using var copy = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                    await source.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
                }
                try
                {
                    File.Move(temporary, target, overwrite: false);
                    return true;
                }
                catch (IOException) when (File.Exists(target))
                {
                    // Made by someone else since the check: look at it again.
                    attempt--;
                }
            }
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    private static async Task<bool> SameBytesAsync(string first, string second, CancellationToken cancellationToken)
    {
        if (new FileInfo(first).Length != new FileInfo(second).Length)
            return false;
        byte[] a = await File.ReadAllBytesAsync(first, cancellationToken).ConfigureAwait(false);
        byte[] b = await File.ReadAllBytesAsync(second, cancellationToken).ConfigureAwait(false);
        return a.AsSpan().SequenceEqual(b);
    }
}
