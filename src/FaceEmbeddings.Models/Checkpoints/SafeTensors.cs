using System.Text.Json;
using System.Text.Unicode;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format: an
/// 8-byte little-endian header length, a JSON header (<c>name → {dtype, shape, data_offsets}</c> plus an
/// optional <c>__metadata__</c> map of strings), then raw little-endian row-major data. Nothing in the file
/// is executed; every header field is checked against the file before memory is allocated for it.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted (the reference implementation's limit).</summary>
    private const long MaxHeaderLength = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private static readonly Dictionary<string, ScalarType> TypesByName = new(StringComparer.Ordinal)
    {
        ["F64"] = ScalarType.Float64,
        ["F32"] = ScalarType.Float32,
        ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64,
        ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16,
        ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte,
        ["BOOL"] = ScalarType.Bool,
    };

    /// <summary>Loads every tensor of the file at <paramref name="path"/> onto the CPU.</summary>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file; the message names the file and the problem.</exception>
    public static SafeTensorsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Load(stream, path);
    }

    /// <summary>Loads every tensor of a seekable safetensors stream onto the CPU.</summary>
    /// <param name="stream">A readable, seekable stream positioned at the start of the file.</param>
    /// <param name="sourceName">How to name the source in error messages.</param>
    /// <exception cref="CheckpointFormatException">The stream is not a valid safetensors file.</exception>
    public static SafeTensorsFile Load(Stream stream, string sourceName = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
            throw new ArgumentException("The safetensors reader needs a readable, seekable stream.", nameof(stream));

        long start = stream.Position;
        long available = stream.Length - start;
        if (available < 8)
            throw Error(sourceName, $"the file is {available} bytes long, too short for the 8-byte header length");

        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > MaxHeaderLength || (long)headerLength > available - 8)
            throw Error(sourceName, $"the header claims {headerLength} bytes but the file has {available - 8} after the length field");

        byte[] headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        if (!Utf8.IsValid(headerBytes))
            throw Error(sourceName, "the header is not valid UTF-8");
        long dataStart = start + 8 + (long)headerLength;
        long dataLength = stream.Length - dataStart;

        List<Entry> entries;
        Dictionary<string, string> metadata;
        try
        {
            (entries, metadata) = ParseHeader(headerBytes, dataLength);
        }
        catch (JsonException e)
        {
            throw Error(sourceName, $"the header is not valid JSON ({e.Message})", e);
        }
        catch (FormatException e)
        {
            throw Error(sourceName, e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            // JsonElement.GetString refuses escapes that decode to invalid UTF-16, such as a lone "\ud800".
            throw Error(sourceName, $"the header holds a string that is not valid Unicode ({e.Message})", e);
        }

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (Entry entry in entries)
            {
                // The file owns its tensors (see SafeTensorsFile), so they must not die with a caller's dispose scope.
                Tensor tensor = empty(entry.Shape, entry.Type).DetachFromDisposeScope();
                tensors.Add(entry.Name, tensor);
                stream.Position = dataStart + entry.Begin;
                TensorBytes.ReadInto(tensor, stream);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            foreach (Tensor tensor in tensors.Values) tensor.Dispose();
            throw Error(sourceName, "the data section ended before all tensors were read", e);
        }

        return new SafeTensorsFile(tensors, metadata);
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> (any device; written from CPU copies) and optional metadata to
    /// <paramref name="path"/>. The file is written under a temporary name and renamed when complete.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);

        string temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                Save(stream, tensors, metadata);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Writes <paramref name="tensors"/> and optional metadata to <paramref name="stream"/> in safetensors format.</summary>
    public static void Save(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);

        using var scope = NewDisposeScope();
        var prepared = new List<(string Name, Tensor Data)>(tensors.Count);
        foreach ((string name, Tensor tensor) in tensors)
        {
            if (name == MetadataKey)
                throw new ArgumentException($"'{MetadataKey}' is reserved and cannot name a tensor.", nameof(tensors));
            _ = NameOf(tensor.dtype, name);
            prepared.Add((name, tensor.detach().cpu().contiguous()));
        }

        byte[] header = BuildHeader(prepared, metadata);
        stream.Write(BitConverter.GetBytes((ulong)header.Length));
        stream.Write(header);
        foreach ((_, Tensor data) in prepared) TensorBytes.WriteFrom(data, stream);
        stream.Flush();
    }

    private static byte[] BuildHeader(List<(string Name, Tensor Data)> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach ((string key, string value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach ((string name, Tensor data) in tensors)
            {
                long length = data.NumberOfElements * data.ElementSize;
                json.WriteStartObject(name);
                json.WriteString("dtype", NameOf(data.dtype, name));
                json.WriteStartArray("shape");
                foreach (long dimension in data.shape) json.WriteNumberValue(dimension);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += length;
            }
            json.WriteEndObject();
        }

        // Pad with spaces so that the data section starts 8-byte aligned, as the reference writer does.
        int padded = (int)((buffer.Length + 7) / 8 * 8);
        byte[] header = new byte[padded];
        buffer.ToArray().CopyTo(header, 0);
        header.AsSpan((int)buffer.Length).Fill((byte)' ');
        return header;
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(byte[] headerBytes, long dataLength)
    {
        using JsonDocument document = JsonDocument.Parse(headerBytes);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new FormatException("the header is not a JSON object");

        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        // JSON allows repeated keys; a repeated tensor name would leave it ambiguous which data the name means.
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            if (!names.Add(property.Name))
                throw new FormatException($"the header names '{property.Name}' more than once");
            if (property.Name == MetadataKey)
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                    throw new FormatException("'__metadata__' is not an object of strings");
                foreach (JsonProperty item in property.Value.EnumerateObject())
                {
                    if (item.Value.ValueKind != JsonValueKind.String)
                        throw new FormatException($"metadata '{item.Name}' is not a string");
                    if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                        throw new FormatException($"metadata '{item.Name}' appears more than once");
                }
                continue;
            }
            entries.Add(ParseEntry(property, dataLength));
        }

        // Offsets must not overlap: sort by start and check each against the previous end.
        Entry[] byOffset = [.. entries.OrderBy(e => e.Begin)];
        for (int i = 1; i < byOffset.Length; i++)
        {
            if (byOffset[i].Begin < byOffset[i - 1].End)
                throw new FormatException($"tensors '{byOffset[i - 1].Name}' and '{byOffset[i].Name}' overlap in the data section");
        }
        return (entries, metadata);
    }

    private static Entry ParseEntry(JsonProperty property, long dataLength)
    {
        string name = property.Name;
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out JsonElement offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array)
            throw new FormatException($"tensor '{name}' needs 'dtype' (string), 'shape' and 'data_offsets' (arrays)");

        string dtypeName = dtypeElement.GetString()!;
        if (!TypesByName.TryGetValue(dtypeName, out ScalarType type))
            throw new FormatException($"tensor '{name}' has unsupported dtype '{dtypeName}'");

        long[] shape = new long[shapeElement.GetArrayLength()];
        long elements = 1;
        int index = 0;
        foreach (JsonElement dimension in shapeElement.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out long size) || size < 0)
                throw new FormatException($"tensor '{name}' has an invalid shape entry '{dimension}'");
            shape[index++] = size;
            elements = size == 0 ? 0 : (elements > long.MaxValue / size ? throw new FormatException($"tensor '{name}' has a shape too large to address") : elements * size);
        }

        if (offsetsElement.GetArrayLength() != 2)
            throw new FormatException($"tensor '{name}' needs exactly two data_offsets");
        long begin = ReadOffset(offsetsElement[0], name);
        long end = ReadOffset(offsetsElement[1], name);
        if (begin > end || end > dataLength)
            throw new FormatException($"tensor '{name}' has data_offsets [{begin}, {end}] outside the {dataLength}-byte data section");

        long expected = elements > long.MaxValue / TensorBytes.ElementSize(type)
            ? throw new FormatException($"tensor '{name}' has a shape too large to address")
            : elements * TensorBytes.ElementSize(type);
        if (end - begin != expected)
            throw new FormatException($"tensor '{name}' has {end - begin} bytes but shape [{string.Join(", ", shape)}] of {dtypeName} needs {expected}");

        return new Entry(name, type, shape, begin, end);
    }

    private static long ReadOffset(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out long value) && value >= 0
            ? value
            : throw new FormatException($"tensor '{name}' has an invalid data offset '{element}'");

    private static string NameOf(ScalarType type, string tensorName)
    {
        foreach ((string name, ScalarType candidate) in TypesByName)
            if (candidate == type) return name;
        throw new ArgumentException($"Tensor '{tensorName}' has element type {type}, which safetensors files cannot hold here.", nameof(tensorName));
    }

    private static CheckpointFormatException Error(string source, string problem, Exception? inner = null)
    {
        string message = $"'{source}' is not a valid safetensors file: {problem}.";
        return inner == null ? new CheckpointFormatException(message) : new CheckpointFormatException(message, inner);
    }

    private readonly record struct Entry(string Name, ScalarType Type, long[] Shape, long Begin, long End);
}
