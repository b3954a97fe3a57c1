using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace FaceEmbeddings.Samples.WebApi;

/// <summary>
/// The configured API keys, held as SHA-256 digests: a presented key is hashed and compared with every configured
/// digest through <see cref="IKeyComparer"/>, all of them each time, so that neither the key's length nor which key
/// matched shows in the time taken.
/// </summary>
public sealed class ApiKeyRing(IOptions<SampleOptions> options, IKeyComparer comparer)
{
    private readonly Entry[] entries = options.Value.ApiKeys
        .Select((key, index) => new Entry(key.Id ?? $"key-{index}", SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key.Key)), key.ScopeList))
        .ToArray();

    /// <summary>The key's id and scopes, or null when <paramref name="presented"/> is no configured key.</summary>
    public (string Id, IReadOnlyList<string> Scopes)? Find(string presented)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(presented), digest);
        Entry? found = null;
        foreach (Entry entry in entries)
        {
            if (comparer.Equal(digest, entry.Digest) && found is null) found = entry;
        }
        return found is null ? null : (found.Id, found.Scopes);
    }

    private sealed record Entry(string Id, byte[] Digest, IReadOnlyList<string> Scopes);
}
