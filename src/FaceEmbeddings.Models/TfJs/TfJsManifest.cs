using System.Text.Json;
using FaceEmbeddings.Models.Checkpoints;

namespace FaceEmbeddings.Models.TfJs;

/// <summary>
/// Parses a TF.js weights manifest (<c>*-weights_manifest.json</c>): a JSON array of groups, each
/// <c>{"paths": [shard files], "weights": [{"name", "shape", "dtype", "quantization"?}]}</c>. Every field is checked;
/// nothing is allocated for a tensor here.
/// </summary>
internal static class TfJsManifest
{
    /// <summary>Largest manifest accepted: real ones are tens of kilobytes.</summary>
    public const int MaxLength = 16 << 20;

    /// <summary>Most elements one tensor may have: its bytes must fit one .NET array, at up to 4 bytes an element.</summary>
    private const long MaxElements = int.MaxValue / 4;

    /// <summary>The groups of the manifest in <paramref name="json"/>.</summary>
    /// <exception cref="CheckpointFormatException">The manifest is malformed; the message names <paramref name="source"/> and the tensor.</exception>
    public static List<TfJsWeightGroup> Parse(byte[] json, string source)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw Error(source, $"the manifest must be a JSON array of weight groups, not {document.RootElement.ValueKind}");
            var names = new HashSet<string>(StringComparer.Ordinal);
            var groups = new List<TfJsWeightGroup>();
            foreach (JsonElement group in document.RootElement.EnumerateArray())
                groups.Add(ParseGroup(group, groups.Count, names, source));
            return groups;
        }
        catch (JsonException e)
        {
            throw Error(source, $"the manifest is not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            // GetString refuses escapes that decode to invalid UTF-16, such as a lone "\ud800".
            throw Error(source, $"the manifest holds a string that is not valid Unicode ({e.Message})", e);
        }
    }

    /// <summary>A <see cref="CheckpointFormatException"/> naming the manifest.</summary>
    public static CheckpointFormatException Error(string source, string problem, Exception? inner = null)
    {
        string message = $"'{source}' is not a valid TF.js weights manifest: {problem}.";
        return inner is null ? new CheckpointFormatException(message) : new CheckpointFormatException(message, inner);
    }

    private static TfJsWeightGroup ParseGroup(JsonElement group, int index, HashSet<string> names, string source)
    {
        if (group.ValueKind != JsonValueKind.Object)
            throw Error(source, $"group {index} is {group.ValueKind}, not an object");
        if (!group.TryGetProperty("paths", out JsonElement paths) || paths.ValueKind != JsonValueKind.Array)
            throw Error(source, $"group {index} has no 'paths' array");
        if (!group.TryGetProperty("weights", out JsonElement weights) || weights.ValueKind != JsonValueKind.Array)
            throw Error(source, $"group {index} has no 'weights' array");

        var shardPaths = new List<string>();
        foreach (JsonElement path in paths.EnumerateArray())
            shardPaths.Add(ShardPath(path, index, source));
        if (shardPaths.Count == 0)
            throw Error(source, $"group {index} lists no shard files");

        var specs = new List<TfJsWeightSpec>();
        foreach (JsonElement weight in weights.EnumerateArray())
        {
            TfJsWeightSpec spec = ParseWeight(weight, index, specs.Count, source);
            if (!names.Add(spec.Name))
                throw Error(source, $"tensor '{spec.Name}' appears twice");
            specs.Add(spec);
        }
        return new TfJsWeightGroup(shardPaths, specs);
    }

    /// <summary>A shard path: relative, inside the manifest's folder, no scheme.</summary>
    private static string ShardPath(JsonElement path, int group, string source)
    {
        string? text = path.ValueKind == JsonValueKind.String ? path.GetString() : null;
        if (string.IsNullOrEmpty(text))
            throw Error(source, $"group {group} has a shard path that is not a non-empty string");
        if (text.IndexOfAny([':', '\\', '\0']) >= 0 || text.StartsWith('/')
            || text.Split('/').Any(segment => segment is "" or "." or ".."))
            throw Error(source, $"shard path '{text}' of group {group} must be a relative path inside the manifest's folder");
        return text;
    }

    private static TfJsWeightSpec ParseWeight(JsonElement weight, int group, int index, string source)
    {
        if (weight.ValueKind != JsonValueKind.Object)
            throw Error(source, $"weight {index} of group {group} is {weight.ValueKind}, not an object");
        string? name = weight.TryGetProperty("name", out JsonElement nameElement) && nameElement.ValueKind == JsonValueKind.String
            ? nameElement.GetString()
            : null;
        if (string.IsNullOrEmpty(name))
            throw Error(source, $"weight {index} of group {group} has no name");

        long[] shape = Shape(weight, name, source);
        long elements = 1;
        foreach (long dimension in shape)
        {
            elements = dimension == 0 ? 0 : elements > MaxElements / dimension ? MaxElements + 1 : elements * dimension;
        }
        if (elements > MaxElements)
            throw Error(source, $"tensor '{name}' has shape [{string.Join(", ", shape)}], more than {MaxElements} elements");

        string? dtype = weight.TryGetProperty("dtype", out JsonElement dtypeElement) && dtypeElement.ValueKind == JsonValueKind.String
            ? dtypeElement.GetString()
            : null;
        if (!weight.TryGetProperty("quantization", out JsonElement quantization) || quantization.ValueKind == JsonValueKind.Null)
        {
            TfJsElementEncoding plain = dtype switch
            {
                "float32" => TfJsElementEncoding.Float32,
                "int32" => TfJsElementEncoding.Int32,
                _ => throw Error(source, $"tensor '{name}' has dtype '{dtype}'; only float32 and int32 are supported"),
            };
            return new TfJsWeightSpec(name, shape, elements, plain, 1, 0);
        }

        if (dtype != "float32")
            throw Error(source, $"tensor '{name}' is quantized with dtype '{dtype}'; only quantized float32 is supported");
        return Quantized(quantization, name, shape, elements, source);
    }

    private static long[] Shape(JsonElement weight, string name, string source)
    {
        if (!weight.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Error(source, $"tensor '{name}' has no 'shape' array");
        var shape = new List<long>();
        foreach (JsonElement dimension in shapeElement.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out long value) || value < 0)
                throw Error(source, $"tensor '{name}' has a shape entry '{dimension}' that is not a non-negative integer");
            shape.Add(value);
        }
        if (shape.Count > 8)
            throw Error(source, $"tensor '{name}' has {shape.Count} dimensions; at most 8 are supported");
        return [.. shape];
    }

    private static TfJsWeightSpec Quantized(JsonElement quantization, string name, long[] shape, long elements, string source)
    {
        if (quantization.ValueKind != JsonValueKind.Object)
            throw Error(source, $"tensor '{name}' has a 'quantization' that is not an object");
        string? dtype = quantization.TryGetProperty("dtype", out JsonElement dtypeElement) && dtypeElement.ValueKind == JsonValueKind.String
            ? dtypeElement.GetString()
            : null;
        TfJsElementEncoding encoding = dtype switch
        {
            "uint8" => TfJsElementEncoding.Uint8,
            "uint16" => TfJsElementEncoding.Uint16,
            "float16" => TfJsElementEncoding.Float16,
            _ => throw Error(source, $"tensor '{name}' has quantization dtype '{dtype}'; only uint8, uint16 and float16 are supported"),
        };
        if (encoding == TfJsElementEncoding.Float16)
            return new TfJsWeightSpec(name, shape, elements, encoding, 1, 0);
        double scale = FiniteNumber(quantization, "scale", name, source);
        double min = FiniteNumber(quantization, "min", name, source);
        return new TfJsWeightSpec(name, shape, elements, encoding, scale, min);
    }

    private static double FiniteNumber(JsonElement quantization, string property, string name, string source)
    {
        if (!quantization.TryGetProperty(property, out JsonElement element) || element.ValueKind != JsonValueKind.Number
            || !element.TryGetDouble(out double value) || !double.IsFinite(value))
            throw Error(source, $"tensor '{name}' has no finite quantization '{property}'");
        return value;
    }
}
