using System.Globalization;

namespace FaceEmbeddings.Models.Store;

/// <summary>
/// One entry of a <see cref="ModelStore"/>'s catalogue: a named weight file, where it lives under the
/// store's root and where it is downloaded from, with what is known for verifying it.
/// </summary>
/// <remarks>
/// A file is accepted only when it can be verified: against <see cref="Sha256"/> when a trusted hash is
/// known; otherwise the first copy must pass a structure validator, after which the store records the
/// file's hash next to it (<c>&lt;file&gt;.sha256</c>) and checks every later use against that record.
/// </remarks>
public sealed record ModelInfo
{
    private readonly long? sizeInBytes;
    private readonly string? sha256;

    /// <summary>Describes a model file.</summary>
    /// <param name="name">The name callers fetch it by, e.g. <c>mtcnn-pnet</c>.</param>
    /// <param name="relativePath">Its path under the store's root, with <c>/</c> separators, e.g. <c>mtcnn/pnet.pt</c>.</param>
    /// <param name="downloadUri">The absolute http(s) address it is downloaded from.</param>
    /// <exception cref="ArgumentException">The name is empty, the path is absolute or leaves the root, or the address is not absolute http(s).</exception>
    public ModelInfo(string name, string relativePath, Uri downloadUri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        ArgumentNullException.ThrowIfNull(downloadUri);
        if (Path.IsPathRooted(relativePath)
            || relativePath.Split('/', '\\').Any(segment => segment is "" or "." or ".."))
        {
            throw new ArgumentException(
                $"The model path '{relativePath}' must be relative to the store's root, without '.', '..' or empty segments.",
                nameof(relativePath));
        }
        if (!downloadUri.IsAbsoluteUri || (downloadUri.Scheme != Uri.UriSchemeHttps && downloadUri.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException($"The download address '{downloadUri}' of model '{name}' must be an absolute http(s) URL.", nameof(downloadUri));

        Name = name;
        RelativePath = relativePath;
        DownloadUri = downloadUri;
    }

    /// <summary>The name callers fetch the model by.</summary>
    public string Name { get; }

    /// <summary>The file's path under the store's root, with <c>/</c> separators.</summary>
    public string RelativePath { get; }

    /// <summary>Where the file is downloaded from.</summary>
    public Uri DownloadUri { get; }

    /// <summary>The file's exact length in bytes, when known; a download of any other length is rejected.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long? SizeInBytes
    {
        get => sizeInBytes;
        init
        {
            if (value is <= 0)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"The size of model '{Name}' must be positive.");
            sizeInBytes = value;
        }
    }

    /// <summary>
    /// The trusted SHA-256 of the file as 64 hexadecimal digits (stored lower-case), or <c>null</c> when none is
    /// known; then <see cref="StructureValidator"/> (or <see cref="ModelStoreOptions.StructureValidator"/>) vets the first copy.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not 64 hexadecimal digits.</exception>
    public string? Sha256
    {
        get => sha256;
        init => sha256 = value is null ? null : NormalizeSha256(value, Name);
    }

    /// <summary>
    /// Vets a file of a model that has no trusted <see cref="Sha256"/>: called with the path of a complete copy, it
    /// returns <c>true</c> when the file has the expected structure. Returning <c>false</c> or throwing rejects the file.
    /// </summary>
    public Func<string, bool>? StructureValidator { get; init; }

    /// <summary>Checks that <paramref name="sha256"/> is 64 hexadecimal digits and returns it in lower case.</summary>
    internal static string NormalizeSha256(string sha256, string modelName)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit))
            throw new ArgumentException($"The SHA-256 of model '{modelName}' must be 64 hexadecimal digits; got '{sha256}'.", nameof(sha256));
        return sha256.ToLower(CultureInfo.InvariantCulture);
    }
}
