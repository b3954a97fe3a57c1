using System.Security.Cryptography;

namespace FaceEmbeddings.Recognition;

/// <summary>
/// A 256-bit key that gallery files are encrypted and authenticated with (AES-GCM), set as
/// <see cref="InMemoryFaceGalleryOptions.EncryptionKey"/>. Keep it apart from the files it protects: in a secret store,
/// an environment variable, or a file only the service may read. Disposing it clears its bytes.
/// </summary>
/// <remarks>Its <see cref="ToString"/> never shows the key.</remarks>
public sealed class GalleryEncryptionKey : IDisposable
{
    /// <summary>The key's length: 32 bytes (AES-256).</summary>
    public const int SizeInBytes = 32;

    private readonly byte[] bytes;
    private bool disposed;

    private GalleryEncryptionKey(byte[] bytes) => this.bytes = bytes;

    /// <summary>A new key from the operating system's cryptographic random number generator.</summary>
    public static GalleryEncryptionKey Generate() => new(RandomNumberGenerator.GetBytes(SizeInBytes));

    /// <summary>The key of <paramref name="key"/>'s bytes (copied).</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not <see cref="SizeInBytes"/> bytes long.</exception>
    public static GalleryEncryptionKey FromBytes(ReadOnlySpan<byte> key) =>
        key.Length == SizeInBytes
            ? new GalleryEncryptionKey(key.ToArray())
            : throw new ArgumentException($"A gallery encryption key has {SizeInBytes} bytes; this one has {key.Length}.", nameof(key));

    /// <summary>The key written as base64 (as <see cref="ToBase64"/> or <c>openssl rand -base64 32</c> write it); surrounding white space is ignored.</summary>
    /// <exception cref="ArgumentException"><paramref name="base64"/> is not base64 of <see cref="SizeInBytes"/> bytes (the message does not repeat it).</exception>
    public static GalleryEncryptionKey FromBase64(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        byte[] decoded = new byte[SizeInBytes + 3];
        if (!Convert.TryFromBase64String(base64.Trim(), decoded, out int length) || length != SizeInBytes)
        {
            CryptographicOperations.ZeroMemory(decoded);
            throw new ArgumentException($"A gallery encryption key is written as base64 of {SizeInBytes} random bytes (44 characters, e.g. from 'openssl rand -base64 32'); this text is not.", nameof(base64));
        }
        var key = new GalleryEncryptionKey(decoded[..SizeInBytes]);
        CryptographicOperations.ZeroMemory(decoded);
        return key;
    }

    /// <summary>The key as base64, to store it in a secret store or a key file.</summary>
    public string ToBase64()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>An AES-GCM cipher with this key, for the caller to dispose.</summary>
    internal AesGcm CreateCipher(int tagSize)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new AesGcm(bytes, tagSize);
    }

    /// <summary>Names the type, never the key.</summary>
    public override string ToString() => nameof(GalleryEncryptionKey);

    /// <summary>Clears the key's bytes; the key cannot be used afterwards.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(bytes);
        disposed = true;
    }
}
