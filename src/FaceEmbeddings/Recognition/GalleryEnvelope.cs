using System.Buffers.Binary;
using System.Security.Cryptography;
using FaceEmbeddings.IO;

namespace FaceEmbeddings.Recognition;

/// <summary>
/// The encrypted form of a gallery file: the 8 bytes <c>FEGALAES</c>, a format version (int32, little-endian), a
/// random 12-byte nonce, the AES-256-GCM ciphertext of the whole plain gallery file, and the 16-byte tag. The
/// header is authenticated with the ciphertext, so a wrong key or a change to any byte is refused, never decrypted
/// into other embeddings. Without a key, a file passes through unchanged.
/// </summary>
internal static class GalleryEnvelope
{
    /// <summary>The envelope version this library writes and reads.</summary>
    private const int Version = 1;

    private const int NonceSize = 12, TagSize = 16;
    private const int HeaderSize = 8 + sizeof(int) + NonceSize;

    private static ReadOnlySpan<byte> Magic => "FEGALAES"u8;

    /// <summary>Writes what <paramref name="write"/> writes to <paramref name="path"/> atomically, sealed with <paramref name="key"/> when there is one.</summary>
    public static void Write(string path, GalleryEncryptionKey? key, Action<Stream> write)
    {
        if (key is null)
        {
            AtomicFile.Write(path, write);
            return;
        }
        using var plain = new MemoryStream();
        try
        {
            write(plain);
            AtomicFile.WriteAllBytes(path, Seal(path, plain.GetBuffer().AsSpan(0, checked((int)plain.Length)), key));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain.GetBuffer());
        }
    }

    /// <summary>
    /// Hands the plain gallery file at <paramref name="path"/> to <paramref name="read"/>: the file itself without a
    /// key, the opened envelope (in memory, cleared afterwards) with one.
    /// </summary>
    /// <exception cref="GalleryFormatException">The file is encrypted and no key was given, or a key was given and the file is not an envelope this key opens.</exception>
    public static T Read<T>(string path, GalleryEncryptionKey? key, Func<Stream, T> read)
    {
        if (key is null)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            Span<byte> start = stackalloc byte[Magic.Length];
            if (stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && start.SequenceEqual(Magic))
                throw new GalleryFormatException(path, $"it is encrypted: open it with the key it was saved with ({nameof(InMemoryFaceGalleryOptions)}.{nameof(InMemoryFaceGalleryOptions.EncryptionKey)})");
            stream.Position = 0;
            return read(stream);
        }
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new FileNotFoundException($"There is no gallery file '{path}'.", path);
        if (file.Length > Array.MaxLength)
            throw new GalleryFormatException(path, $"it has {file.Length} bytes, more than an encrypted gallery file can hold");
        byte[] opened = Open(path, File.ReadAllBytes(path), key);
        try
        {
            using var stream = new MemoryStream(opened, writable: false);
            return read(stream);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(opened);
        }
    }

    private static byte[] Seal(string path, ReadOnlySpan<byte> plain, GalleryEncryptionKey key)
    {
        if (plain.Length > Array.MaxLength - HeaderSize - TagSize)
            throw new InvalidOperationException($"The gallery for '{path}' is {plain.Length} bytes, more than an encrypted gallery file can hold; save it without a key, or split it.");
        byte[] sealedFile = new byte[HeaderSize + plain.Length + TagSize];
        Span<byte> header = sealedFile.AsSpan(0, HeaderSize);
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[Magic.Length..], Version);
        RandomNumberGenerator.Fill(header[^NonceSize..]);
        using AesGcm cipher = key.CreateCipher(TagSize);
        cipher.Encrypt(header[^NonceSize..], plain, sealedFile.AsSpan(HeaderSize, plain.Length), sealedFile.AsSpan(HeaderSize + plain.Length), header);
        return sealedFile;
    }

    private static byte[] Open(string path, byte[] sealedFile, GalleryEncryptionKey key)
    {
        if (sealedFile.Length < Magic.Length || !sealedFile.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new GalleryFormatException(path, "a key was given, but the file is not an encrypted gallery file (or its first bytes were altered)");
        if (sealedFile.Length < HeaderSize + TagSize)
            throw new GalleryFormatException(path, "it is shorter than an encrypted gallery file's header and tag (truncated)");
        ReadOnlySpan<byte> header = sealedFile.AsSpan(0, HeaderSize);
        int version = BinaryPrimitives.ReadInt32LittleEndian(header[Magic.Length..]);
        if (version != Version)
            throw new GalleryFormatException(path, $"it is encrypted with envelope version {version}; this library reads version {Version}");
        int plainLength = sealedFile.Length - HeaderSize - TagSize;
        byte[] plain = new byte[plainLength];
        using AesGcm cipher = key.CreateCipher(TagSize);
        try
        {
            cipher.Decrypt(header[^NonceSize..], sealedFile.AsSpan(HeaderSize, plainLength), sealedFile.AsSpan(HeaderSize + plainLength), plain, header);
        }
        catch (AuthenticationTagMismatchException e)
        {
            CryptographicOperations.ZeroMemory(plain);
            throw new GalleryFormatException(path, "it cannot be decrypted with the given key: the key is wrong, or the file was altered or truncated", e);
        }
        return plain;
    }
}
