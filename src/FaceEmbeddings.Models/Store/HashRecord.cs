using System.Security.Cryptography;
using System.Text;

namespace FaceEmbeddings.Models.Store;

/// <summary>
/// The SHA-256 a store recorded for a file that has no trusted hash, kept beside it as <c>&lt;file&gt;.sha256</c> in
/// <c>sha256sum</c>'s format (<c>&lt;hex&gt;  &lt;file name&gt;</c>), so <c>sha256sum -c</c> can check it too.
/// </summary>
internal static class HashRecord
{
    private const int HexLength = 64;

    public static string PathFor(string modelPath) => modelPath + ".sha256";

    /// <summary>The recorded hash, or <c>null</c> when there is no record or it is not a well-formed one.</summary>
    public static string? TryRead(string modelPath)
    {
        string recordPath = PathFor(modelPath);
        if (!File.Exists(recordPath) || new FileInfo(recordPath).Length > 4096)
            return null;
        string text = File.ReadAllText(recordPath, Encoding.UTF8);
        string hash = text.Length >= HexLength ? text[..HexLength] : text;
        return hash.Length == HexLength && hash.All(char.IsAsciiHexDigit) ? hash.ToLowerInvariant() : null;
    }

    /// <summary>Writes the record through a temporary file and a rename, so a reader never sees half a record.</summary>
    public static void Write(string modelPath, string sha256)
    {
        string recordPath = PathFor(modelPath);
        string temporaryPath = $"{recordPath}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temporaryPath, $"{sha256}  {Path.GetFileName(modelPath)}\n", Encoding.ASCII);
            File.Move(temporaryPath, recordPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }

    public static void Delete(string modelPath) => File.Delete(PathFor(modelPath));

    /// <summary>The SHA-256 of a file as lower-case hexadecimal.</summary>
    public static async Task<string> ComputeAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            bufferSize: 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            byte[] hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return Convert.ToHexStringLower(hash);
        }
    }
}
