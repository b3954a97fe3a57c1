using FaceEmbeddings.Detection;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Models.Checkpoints;
using static TorchSharp.torch;

namespace FaceEmbeddings.Recognition;

/// <summary>
/// The file of an <see cref="InMemoryFaceGallery"/>: a safetensors file (so any safetensors reader can open it)
/// with three tensors, <c>embeddings</c> (N×D float32), <c>face_ids</c> (N int64) and <c>face_identities</c>
/// (N int64, an index into the identity list), and string metadata: <c>format</c>, <c>format_version</c>, the
/// descriptor (<c>model</c>, <c>embedding_size</c>, <c>metric</c>, <c>crop_geometry</c>, absent in files written before
/// it existed and then read as <c>unaligned</c>), <c>next_face_id</c>, <c>identities</c>
/// (a JSON array of <c>{"name", "metadata"}</c>) and <c>sha256</c>, a SHA-256 over every other metadata entry and
/// every tensor's bytes, so that a file altered at any byte is refused rather than read wrongly. With an encryption
/// key, the whole file is sealed in a <see cref="GalleryEnvelope"/>.
/// </summary>
internal static class GalleryFile
{
    /// <summary>The version this library writes; it reads this one and refuses newer ones by name.</summary>
    public const int FormatVersion = 1;

    private const string FormatName = "faceembeddings-gallery";
    private const string EmbeddingsTensor = "embeddings", FaceIdsTensor = "face_ids", IdentitiesTensor = "face_identities";
    private const string ChecksumKey = "sha256";

    /// <summary>What a gallery file holds. Whoever makes it owns <see cref="Embeddings"/>.</summary>
    public sealed record Contents(
        GalleryDescriptor Descriptor, Tensor Embeddings, long[] FaceIds, long[] FaceIdentities,
        IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Metadata)> Identities, long NextFaceId);

    /// <summary>
    /// Writes <paramref name="contents"/> to <paramref name="path"/> atomically (the tensors may be views; they are only
    /// read), encrypted with <paramref name="key"/> when there is one.
    /// </summary>
    public static void Write(string path, Contents contents, GalleryEncryptionKey? key)
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [EmbeddingsTensor] = contents.Embeddings.cpu().contiguous(),
            [FaceIdsTensor] = tensor(contents.FaceIds),
            [IdentitiesTensor] = tensor(contents.FaceIdentities),
        };
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatName,
            ["format_version"] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            ["model"] = contents.Descriptor.Model,
            ["embedding_size"] = contents.Descriptor.EmbeddingSize.ToString(CultureInfo.InvariantCulture),
            ["metric"] = contents.Descriptor.Metric.ToString(),
            ["crop_geometry"] = contents.Descriptor.Geometry,
            ["next_face_id"] = contents.NextFaceId.ToString(CultureInfo.InvariantCulture),
            ["identities"] = JsonSerializer.Serialize(contents.Identities.Select(identity => new StoredIdentity(identity.Name, identity.Metadata))),
        };
        metadata[ChecksumKey] = Checksum(metadata, tensors);
        GalleryEnvelope.Write(path, key, stream => SafeTensors.Save(stream, tensors, metadata));
    }

    /// <summary>
    /// Reads and checks the gallery file at <paramref name="path"/> (decrypted with <paramref name="key"/> when there is
    /// one) and hands its contents to <paramref name="use"/>; the embeddings (on the CPU) are freed when it returns.
    /// </summary>
    /// <exception cref="GalleryFormatException">The file is not a complete, unaltered gallery file of a version this library reads.</exception>
    /// <exception cref="GalleryDescriptorMismatchException"><paramref name="expected"/> is given and differs from the file's descriptor.</exception>
    public static T Read<T>(string path, GalleryDescriptor? expected, GalleryEncryptionKey? key, Func<Contents, T> use)
    {
        SafeTensorsFile file;
        try
        {
            file = GalleryEnvelope.Read(path, key, stream => SafeTensors.Load(stream, path));
        }
        catch (CheckpointFormatException e)
        {
            throw new GalleryFormatException(path, "it is not a complete safetensors file", e);
        }
        try
        {
            IReadOnlyDictionary<string, string> metadata = file.Metadata;
            if (!metadata.TryGetValue("format", out string? format) || format != FormatName)
                throw new GalleryFormatException(path, $"it is a safetensors file but not a face gallery (no 'format: {FormatName}' metadata)");
            int version = ParseInt(path, metadata, "format_version");
            if (version > FormatVersion)
                throw new GalleryFormatException(path, $"it has format version {version}, newer than the version {FormatVersion} this library reads; update FaceEmbeddings");
            if (version < 1)
                throw new GalleryFormatException(path, $"it has an invalid format version {version}");
            if (!metadata.TryGetValue(ChecksumKey, out string? checksum) || checksum != Checksum(metadata, file.Tensors))
                throw new GalleryFormatException(path, "its checksum does not match its contents (the file was altered or damaged)");

            var stored = new GalleryDescriptor(Text(path, metadata, "model"), ParseInt(path, metadata, "embedding_size"),
                Enum.TryParse(Text(path, metadata, "metric"), out DistanceMetric metric) && Enum.IsDefined(metric)
                    ? metric : throw new GalleryFormatException(path, $"metric '{metadata["metric"]}' is unknown"),
                metadata.TryGetValue("crop_geometry", out string? geometry) ? geometry : FaceCropGeometry.UnalignedName);
            try
            {
                stored.Validate();
            }
            catch (ArgumentException e)
            {
                throw new GalleryFormatException(path, "its descriptor is invalid", e);
            }
            if (expected is not null && expected != stored)
                throw new GalleryDescriptorMismatchException(path, expected, stored);

            return use(ReadContents(path, file, stored, metadata));
        }
        finally
        {
            file.Dispose();
        }
    }

    private static Contents ReadContents(string path, SafeTensorsFile file, GalleryDescriptor descriptor, IReadOnlyDictionary<string, string> metadata)
    {
        Tensor embeddings = Require(path, file, EmbeddingsTensor, ScalarType.Float32, 2);
        long count = embeddings.shape[0];
        if (embeddings.shape[1] != descriptor.EmbeddingSize)
            throw new GalleryFormatException(path, $"its embeddings are {embeddings.shape[1]}-d but its descriptor says {descriptor.EmbeddingSize}");
        long[] faceIds = Require(path, file, FaceIdsTensor, ScalarType.Int64, 1).data<long>().ToArray();
        long[] faceIdentities = Require(path, file, IdentitiesTensor, ScalarType.Int64, 1).data<long>().ToArray();
        if (faceIds.Length != count || faceIdentities.Length != count)
            throw new GalleryFormatException(path, $"it has {count} embeddings but {faceIds.Length} face ids and {faceIdentities.Length} face identities");

        StoredIdentity[] identities;
        try
        {
            identities = JsonSerializer.Deserialize<StoredIdentity[]>(Text(path, metadata, "identities"))
                ?? throw new GalleryFormatException(path, "its identity list is null");
        }
        catch (JsonException e)
        {
            throw new GalleryFormatException(path, "its identity list is not valid JSON", e);
        }
        if (identities.Any(identity => string.IsNullOrEmpty(identity.Name) || identity.Metadata is null)
            || identities.Select(identity => identity.Name).Distinct(StringComparer.Ordinal).Count() != identities.Length)
            throw new GalleryFormatException(path, "its identity list has an empty, repeated or incomplete entry");

        long nextFaceId = long.TryParse(Text(path, metadata, "next_face_id"), NumberStyles.None, CultureInfo.InvariantCulture, out long next)
            ? next : throw new GalleryFormatException(path, "its next face id is not a number");
        if (faceIds.Any(id => id < 1 || id >= nextFaceId) || faceIds.Distinct().Count() != faceIds.Length)
            throw new GalleryFormatException(path, "its face ids are repeated or out of range");
        var faceCounts = new int[identities.Length];
        foreach (long identity in faceIdentities)
        {
            if (identity < 0 || identity >= identities.Length)
                throw new GalleryFormatException(path, $"a face belongs to identity {identity}, but there are {identities.Length}");
            faceCounts[identity]++;
        }
        if (faceCounts.Any(faces => faces == 0))
            throw new GalleryFormatException(path, "an identity has no face");
        if (count > 0)
        {
            try
            {
                descriptor.RequireEmbeddings(embeddings, "embeddings");
            }
            catch (ArgumentException e)
            {
                throw new GalleryFormatException(path, "its embeddings are not valid for its descriptor", e);
            }
        }

        IReadOnlyDictionary<string, string>[] identityMetadata;
        try
        {
            identityMetadata = identities.Select(identity => (IReadOnlyDictionary<string, string>)GalleryMetadata.Copy(identity.Metadata, "metadata")).ToArray();
        }
        catch (ArgumentException e)
        {
            throw new GalleryFormatException(path, "an identity's metadata has an empty key or a null value", e);
        }
        return new Contents(descriptor, embeddings, faceIds, faceIdentities,
            identities.Select((identity, i) => (identity.Name, identityMetadata[i])).ToArray(), nextFaceId);
    }

    private static Tensor Require(string path, SafeTensorsFile file, string name, ScalarType type, int dimensions) =>
        file.Tensors.TryGetValue(name, out Tensor? found) && found.dtype == type && found.dim() == dimensions
            ? found
            : throw new GalleryFormatException(path, $"it has no {dimensions}-D {type} tensor '{name}'");

    private static string Text(string path, IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out string? value) ? value : throw new GalleryFormatException(path, $"its metadata has no '{key}'");

    private static int ParseInt(string path, IReadOnlyDictionary<string, string> metadata, string key) =>
        int.TryParse(Text(path, metadata, key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value : throw new GalleryFormatException(path, $"its '{key}' is not a number");

    /// <summary>
    /// SHA-256, as lowercase hex, over the metadata entries other than the checksum (by ordinal key, each length-prefixed)
    /// and then over the bytes of each tensor (by ordinal name, with its dtype and shape).
    /// </summary>
    private static string Checksum(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var scope = NewDisposeScope();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach ((string key, string value) in metadata.Where(entry => entry.Key != ChecksumKey).OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            AppendText(hash, key);
            AppendText(hash, value);
        }
        foreach ((string name, Tensor data) in tensors.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            AppendText(hash, $"{name}:{data.dtype}:[{string.Join(",", data.shape)}]");
            TensorBytes.ForEachSpan(data.cpu().contiguous(), span => hash.AppendData(span));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AppendText(IncrementalHash hash, string text)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        hash.AppendData(BitConverter.GetBytes((long)bytes.Length));
        hash.AppendData(bytes);
    }

    private sealed record StoredIdentity(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, string> Metadata);
}
