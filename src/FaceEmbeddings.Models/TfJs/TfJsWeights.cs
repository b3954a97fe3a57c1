using System.Buffers.Binary;
using FaceEmbeddings.Models.Checkpoints;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.TfJs;

/// <summary>
/// Reads TensorFlow.js weights: a manifest (<c>*-weights_manifest.json</c>) listing groups of binary shard files and,
/// for each tensor, its name, shape, dtype and optional <c>quantization</c> <c>{dtype, scale, min}</c>. Quantized values
/// are dequantized as TF.js does (<c>min + scale × q</c> in double precision, rounded to float32), so the tensors equal
/// those TF.js holds bit for bit. Nothing in the files is executed; every size is checked against the shards before
/// memory is allocated for it.
/// </summary>
public static class TfJsWeights
{
    /// <summary>Loads every tensor listed by the manifest at <paramref name="manifestPath"/>, reading the shards from its folder.</summary>
    /// <returns>The tensors by their manifest names, in manifest order, float32 (int32 for int32 weights), on the CPU. The
    /// caller owns them: dispose each.</returns>
    /// <exception cref="FileNotFoundException">There is no manifest at <paramref name="manifestPath"/>.</exception>
    /// <exception cref="CheckpointFormatException">The manifest or a shard is malformed or missing; the message names the
    /// file and the tensor.</exception>
    public static IReadOnlyDictionary<string, Tensor> Load(string manifestPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        string fullPath = Path.GetFullPath(manifestPath);
        if (!File.Exists(fullPath))
            throw new FileNotFoundException($"No TF.js weights manifest at '{fullPath}'.", fullPath);
        string folder = Path.GetDirectoryName(fullPath)!;
        using var manifest = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Load(manifest, shard => OpenShard(folder, shard, fullPath), fullPath);
    }

    /// <summary>Loads every tensor listed by a manifest read from <paramref name="manifest"/>, with shards from <paramref name="openShard"/>.</summary>
    /// <param name="manifest">The manifest's JSON, read to its end.</param>
    /// <param name="openShard">Opens a shard by its manifest path as a readable, seekable stream; the loader disposes it.</param>
    /// <param name="sourceName">How to name the manifest in error messages.</param>
    /// <inheritdoc cref="Load(string)" path="/returns"/>
    /// <exception cref="CheckpointFormatException">The manifest or a shard is malformed; the message names the source and the tensor.</exception>
    public static IReadOnlyDictionary<string, Tensor> Load(Stream manifest, Func<string, Stream> openShard, string sourceName = "manifest")
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(openShard);
        List<TfJsWeightGroup> groups = TfJsManifest.Parse(ReadManifest(manifest, sourceName), sourceName);

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (TfJsWeightGroup group in groups)
                ReadGroup(group, openShard, sourceName, tensors);
        }
        catch
        {
            foreach (Tensor tensor in tensors.Values) tensor.Dispose();
            throw;
        }
        return tensors;
    }

    private static byte[] ReadManifest(Stream manifest, string sourceName)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[1 << 16];
        int read;
        while ((read = manifest.Read(chunk)) > 0)
        {
            if (buffer.Length + read > TfJsManifest.MaxLength)
                throw TfJsManifest.Error(sourceName, $"the manifest is longer than {TfJsManifest.MaxLength} bytes");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Opens the group's shards, checks their total length against the tensors' before reading any, then reads the tensors.</summary>
    private static void ReadGroup(TfJsWeightGroup group, Func<string, Stream> openShard, string sourceName, Dictionary<string, Tensor> tensors)
    {
        var shards = new List<Stream>(group.Paths.Count);
        try
        {
            long available = 0;
            foreach (string path in group.Paths)
            {
                Stream shard = openShard(path) ?? throw TfJsManifest.Error(sourceName, $"shard '{path}' could not be opened");
                shards.Add(shard);
                if (!shard.CanRead || !shard.CanSeek)
                    throw new ArgumentException($"The stream of shard '{path}' must be readable and seekable.", nameof(openShard));
                available += shard.Length - shard.Position;
            }
            long needed = group.ByteCount;
            if (available != needed)
            {
                throw TfJsManifest.Error(sourceName,
                    $"the shards {string.Join(", ", group.Paths.Select(p => $"'{p}'"))} hold {available} bytes, but their tensors "
                    + $"({string.Join(", ", group.Weights.Take(3).Select(w => $"'{w.Name}'"))}{(group.Weights.Count > 3 ? ", …" : "")}) need {needed}");
            }

            using var bytes = new ConcatenatedStream(shards);
            foreach (TfJsWeightSpec weight in group.Weights)
            {
                try
                {
                    tensors.Add(weight.Name, Decode(weight, bytes));
                }
                catch (Exception e) when (e is EndOfStreamException or IOException)
                {
                    throw TfJsManifest.Error(sourceName, $"the shards ended while reading tensor '{weight.Name}'", e);
                }
            }
        }
        finally
        {
            foreach (Stream shard in shards) shard.Dispose();
        }
    }

    /// <summary>Reads one tensor's bytes and decodes them as TF.js's <c>decodeWeight</c> does.</summary>
    private static Tensor Decode(TfJsWeightSpec weight, Stream bytes)
    {
        byte[] raw = new byte[weight.ByteCount];
        bytes.ReadExactly(raw);
        int count = (int)weight.ElementCount;
        if (weight.Encoding == TfJsElementEncoding.Int32)
        {
            int[] integers = new int[count];
            for (int i = 0; i < count; i++) integers[i] = BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(4 * i));
            return tensor(integers, weight.Shape).DetachFromDisposeScope();
        }

        float[] values = new float[count];
        switch (weight.Encoding)
        {
            case TfJsElementEncoding.Float32:
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(4 * i));
                break;
            case TfJsElementEncoding.Float16:
                for (int i = 0; i < count; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw.AsSpan(2 * i));
                break;
            case TfJsElementEncoding.Uint8:
                // As JavaScript computes it: double arithmetic, no fused multiply-add, then rounded into a Float32Array.
                for (int i = 0; i < count; i++) values[i] = (float)((raw[i] * weight.Scale) + weight.Min);
                break;
            case TfJsElementEncoding.Uint16:
                for (int i = 0; i < count; i++)
                    values[i] = (float)((BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(2 * i)) * weight.Scale) + weight.Min);
                break;
        }
        return tensor(values, weight.Shape).DetachFromDisposeScope();
    }

    private static FileStream OpenShard(string folder, string shard, string manifestPath)
    {
        string path = Path.Combine(folder, shard.Replace('/', Path.DirectorySeparatorChar));
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw TfJsManifest.Error(manifestPath, $"its shard '{shard}' does not exist (looked for '{path}')", e);
        }
    }
}
