using System.Security.Cryptography;

namespace FaceEmbeddings.Samples.WebApi;

/// <summary>Compares a presented key's digest with a configured one; a seam so that tests can see every comparison made.</summary>
public interface IKeyComparer
{
    /// <summary>Whether the two digests are equal.</summary>
    bool Equal(ReadOnlySpan<byte> presented, ReadOnlySpan<byte> configured);
}

/// <summary>
/// Compares in constant time (<see cref="CryptographicOperations.FixedTimeEquals"/>): how long a comparison takes says
/// nothing about how many leading bytes matched, so a key cannot be guessed byte by byte from response times.
/// </summary>
public sealed class FixedTimeKeyComparer : IKeyComparer
{
    /// <inheritdoc />
    public bool Equal(ReadOnlySpan<byte> presented, ReadOnlySpan<byte> configured) =>
        CryptographicOperations.FixedTimeEquals(presented, configured);
}
