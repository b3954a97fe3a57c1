namespace FaceEmbeddings.IO;

/// <summary>
/// Writes files so that readers see either the old file or the complete new one, never a half-written
/// one: the content goes to a temporary file in the same folder, which is then renamed over the target.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>, creating its folder when needed.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        // A span cannot enter a lambda: copy-free for the common small file is not worth a second code path.
        byte[] bytes = content.ToArray();
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>
    /// Writes what <paramref name="write"/> puts into the stream it is given to <paramref name="path"/>, creating its
    /// folder when needed. When <paramref name="write"/> throws, the old file (if any) is left as it was and the
    /// temporary file is removed.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string temporary = TemporaryPathFor(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> on a pool thread; see <see cref="WriteAllBytes"/>.</summary>
    public static Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        Task.Run(() => WriteAllBytes(path, content.Span), cancellationToken);

    private static string TemporaryPathFor(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, "." + Path.GetFileName(full) + ".tmp-" + Guid.NewGuid().ToString("N"));
    }
}
