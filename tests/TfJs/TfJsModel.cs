using FaceEmbeddings.Models.TfJs;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.TfJs;

/// <summary>A small TF.js model in memory: a manifest (uint8-quantized, float32, uint16-quantized, float16 and int32
/// tensors in one group of two shards) and its shard bytes.</summary>
public static class TfJsModel
{
    public const string Manifest = """
        [{"paths": ["part1.bin", "sub/part2.bin"],
          "weights": [
            {"name": "layer/filters", "shape": [2, 3], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.1, "min": -1.5}},
            {"name": "layer/bias", "shape": [4], "dtype": "float32"},
            {"name": "wide", "shape": [2], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 0.001, "min": 2}},
            {"name": "half", "shape": [2], "dtype": "float32", "quantization": {"dtype": "float16"}},
            {"name": "steps", "shape": [2], "dtype": "int32"}]}]
        """;

    /// <summary>The shards: 6 + 16 + 4 + 4 + 8 = 38 bytes, split after 10.</summary>
    public static (byte[] First, byte[] Second) Shards()
    {
        var bytes = new List<byte> { 0, 1, 2, 10, 20, 255 };
        foreach (float value in new[] { 0.5f, -2f, 3.25f, 1e-3f }) bytes.AddRange(BitConverter.GetBytes(value));
        bytes.AddRange(BitConverter.GetBytes((ushort)0));
        bytes.AddRange(BitConverter.GetBytes((ushort)1000));
        bytes.AddRange(BitConverter.GetBytes((Half)0.5f));
        bytes.AddRange(BitConverter.GetBytes((Half)(-3f)));
        bytes.AddRange(BitConverter.GetBytes(7));
        bytes.AddRange(BitConverter.GetBytes(-9));
        byte[] all = [.. bytes];
        return (all[..10], all[10..]);
    }

    /// <summary>Loads <paramref name="manifest"/> with the given shards (by manifest path).</summary>
    public static IReadOnlyDictionary<string, Tensor> Load(string manifest, IReadOnlyDictionary<string, byte[]> shards) =>
        TfJsWeights.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(manifest)),
            path => shards.TryGetValue(path, out byte[]? bytes) ? new MemoryStream(bytes) : throw new FileNotFoundException(path),
            "model.json");

    /// <summary>The standard shards by their manifest paths.</summary>
    public static Dictionary<string, byte[]> ShardFiles()
    {
        (byte[] first, byte[] second) = Shards();
        return new Dictionary<string, byte[]> { ["part1.bin"] = first, ["sub/part2.bin"] = second };
    }
}
