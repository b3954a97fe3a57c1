using System.Buffers.Binary;
using System.Text.RegularExpressions;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// Seeded mutation fuzzing of the safetensors reader: byte-level mutations anywhere and in the header, and
/// token-level mutations of the JSON header (with the length field kept consistent, so they reach the parser).
/// Every mutant must load or be refused with <see cref="CheckpointFormatException"/>; no other exception, no hang,
/// no tensor memory beyond the file's size, managed allocation bounded by a small multiple of it.
/// </summary>
public sealed partial class SafeTensorsFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 3000;
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(15);

    // Tokens that break the header's fields: unsupported or differently sized dtypes, the reserved key, numbers at and
    // beyond the integer limits, wrong kinds of value, a lone surrogate escape, nesting deeper than the JSON limit.
    private static readonly string[] HostileTokens =
    [
        "\"F32\"", "\"F16\"", "\"BF16\"", "\"F64\"", "\"I64\"", "\"U8\"", "\"BOOL\"", "\"F8_E4M3\"", "\"__metadata__\"", "\"\"",
        "\"\\ud800\"", "\"\\u0000\"", "\"a\\\"b\"",
        "0", "-1", "1", "8", "-0", "1.5", "1e400", "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551615",
        "[]", "[0]", "[0,0]", "[1,1]", "{}", "null", "true", "\"x\"", ",", ":", "{", "}", "[", "]",
        new string('[', 70) + new string(']', 70),
    ];

    [Theory(Timeout = 120_000)]
    [InlineData("python-metrics", 91)]
    [InlineData("every-dtype", 92)]
    public async Task Mutated_safetensors_load_or_are_refused_with_CheckpointFormatException(string seedFile, int seed)
    {
        byte[] original = seedFile == "python-metrics"
            ? File.ReadAllBytes(SharedData.PathOf("fixtures/metrics/reference.safetensors"))
            : EveryDtypeFile();
        long originalTensorBytes = TensorBytesOf(original);   // also warms libtorch up, so only mutants are timed
        originalTensorBytes.Should().BeGreaterThan(0);
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(original);

        var outcome = await Task.Run(() => MutationFuzzer.Run<CheckpointFormatException>(
            original, seed, Iterations, TimeBudget, (bytes, random) => Mutate(bytes, headerEnd, random), TensorBytesOf));

        outcome.ShouldBeClean(output, seedFile, minimumIterations: 300);
        outcome.Loaded.Should().BeGreaterThan(0, "mutations of tensor data and of whitespace leave a loadable file");
    }

    /// <summary>Tensors of a safetensors file may not overlap, so together they are bounded by the file.</summary>
    private static long TensorBytesOf(byte[] file)
    {
        using SafeTensorsFile loaded = SafeTensors.Load(new MemoryStream(file), "mutant");
        return loaded.Tensors.Values.Sum(tensor => tensor.NumberOfElements * tensor.ElementSize);
    }

    private static (byte[] Mutant, string Mutation) Mutate(byte[] original, int headerEnd, Random random) => random.Next(4) switch
    {
        0 => MutationFuzzer.MutateBytes(original, random),
        1 => MutationFuzzer.MutateBytes(original, random, regionEnd: headerEnd),
        _ => MutateHeaderTokens(original, headerEnd, random),
    };

    /// <summary>Replaces, copies, deletes or duplicates JSON tokens of the header, then rewrites the length field.</summary>
    private static (byte[] Mutant, string Mutation) MutateHeaderTokens(byte[] original, int headerEnd, Random random)
    {
        List<string> tokens = JsonToken().Matches(System.Text.Encoding.UTF8.GetString(original, 8, headerEnd - 8)).Select(m => m.Value).ToList();
        var steps = new List<string>();
        for (int step = random.Next(1, 4); step > 0 && tokens.Count > 0; step--)
        {
            int at = random.Next(tokens.Count);
            switch (random.Next(4))
            {
                case 0:
                    string word = HostileTokens[random.Next(HostileTokens.Length)];
                    steps.Add($"token {at} '{tokens[at]}' -> '{Shorten(word)}'");
                    tokens[at] = word;
                    break;
                case 1:
                    int from = random.Next(tokens.Count);
                    steps.Add($"token {at} '{tokens[at]}' -> token {from} '{tokens[from]}'");
                    tokens[at] = tokens[from];
                    break;
                case 2:
                    steps.Add($"delete token {at} '{tokens[at]}'");
                    tokens.RemoveAt(at);
                    break;
                default:
                    int count = Math.Min(random.Next(1, 40), tokens.Count - at);
                    int to = random.Next(tokens.Count + 1);
                    steps.Add($"copy tokens {at}..{at + count} to {to}");
                    tokens.InsertRange(to, tokens.GetRange(at, count));
                    break;
            }
        }
        byte[] header = System.Text.Encoding.UTF8.GetBytes(string.Concat(tokens));
        byte[] mutant = new byte[8 + header.Length + (original.Length - headerEnd)];
        BinaryPrimitives.WriteUInt64LittleEndian(mutant, (ulong)header.Length);
        header.CopyTo(mutant, 8);
        original.AsSpan(headerEnd).CopyTo(mutant.AsSpan(8 + header.Length));
        return (mutant, string.Join(", ", steps));
    }

    private static string Shorten(string token) => token.Length > 12 ? token[..12] + "…" : token;

    /// <summary>A small file with a tensor of every supported dtype, a scalar, an empty tensor and metadata.</summary>
    private static byte[] EveryDtypeFile()
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["f64"] = linspace(-2, 2, 6, ScalarType.Float64).reshape(2, 3),
            ["f32"] = linspace(-1, 1, 8, ScalarType.Float32).reshape(2, 2, 2),
            ["f16"] = TestTensors.Range(5, ScalarType.Float16),
            ["bf16"] = TestTensors.Range(3, ScalarType.BFloat16),
            ["i64"] = TestTensors.Range(4, ScalarType.Int64),
            ["i32"] = TestTensors.Range(4, ScalarType.Int32),
            ["i16"] = TestTensors.Range(4, ScalarType.Int16),
            ["i8"] = TestTensors.Range(4, ScalarType.Int8),
            ["u8"] = TestTensors.Range(4, ScalarType.Byte),
            ["bool"] = TestTensors.Range(3, ScalarType.Bool),
            ["scalar"] = tensor(3.5f),
            ["empty"] = zeros(0, 4),
        };
        using var stream = new MemoryStream();
        SafeTensors.Save(stream, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "fuzz seed" });
        return stream.ToArray();
    }

    [GeneratedRegex("""
        "(?:[^"\\]|\\.)*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|[{}\[\]:,]|true|false|null|\s+
        """)]
    private static partial Regex JsonToken();
}
