using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.TfJs;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.TfJs;

/// <summary>The TF.js weights reader: decoding of every supported encoding, refusal of malformed manifests and shards
/// with messages that name the file and the tensor, and seeded mutation fuzzing.</summary>
public sealed class TfJsWeightsTests(ITestOutputHelper output)
{
    [Fact]
    public void Decodes_every_encoding_across_shards_as_tfjs_does()
    {
        using var scope = NewDisposeScope();
        IReadOnlyDictionary<string, Tensor> tensors = TfJsModel.Load(TfJsModel.Manifest, TfJsModel.ShardFiles());

        tensors.Keys.Should().Equal("layer/filters", "layer/bias", "wide", "half", "steps");
        tensors["layer/filters"].shape.Should().Equal(2, 3);
        // min + scale × q in double precision, then rounded to float32.
        tensors["layer/filters"].data<float>().ToArray().Should().Equal(
            new byte[] { 0, 1, 2, 10, 20, 255 }.Select(q => (float)((q * 0.1) + -1.5)));
        tensors["layer/bias"].data<float>().ToArray().Should().Equal(0.5f, -2f, 3.25f, 1e-3f);
        tensors["wide"].data<float>().ToArray().Should().Equal(2f, (float)((1000 * 0.001) + 2));
        tensors["half"].data<float>().ToArray().Should().Equal(0.5f, -3f);
        tensors["steps"].dtype.Should().Be(ScalarType.Int32);
        tensors["steps"].data<int>().ToArray().Should().Equal(7, -9);
    }

    [Theory]
    [InlineData("\"dtype\": \"int32\"}]", "\"dtype\": \"string\"}]", "*'steps'*dtype 'string'*")]
    [InlineData("{\"dtype\": \"float16\"}", "{\"dtype\": \"int4\"}", "*'half'*quantization dtype 'int4'*")]
    [InlineData("\"scale\": 0.1,", "\"scale\": \"big\",", "*'layer/filters'*finite quantization 'scale'*")]
    [InlineData("\"shape\": [4]", "\"shape\": [5]", "*hold 38 bytes*need 42*")]
    [InlineData("\"shape\": [4]", "\"shape\": [-4]", "*'layer/bias'*not a non-negative integer*")]
    [InlineData("\"shape\": [4]", "\"shape\": [65536, 65536, 65536]", "*'layer/bias'*more than*elements*")]
    [InlineData("\"name\": \"wide\"", "\"name\": \"layer/bias\"", "*'layer/bias' appears twice*")]
    [InlineData("\"sub/part2.bin\"", "\"../part2.bin\"", "*'../part2.bin'*relative path inside*")]
    [InlineData("\"sub/part2.bin\"", "\"/etc/passwd\"", "*'/etc/passwd'*relative path inside*")]
    [InlineData("[{\"paths\"", "{\"paths\"", "*JSON*")]
    public void Malformed_manifests_are_refused_naming_the_file_and_the_tensor(string find, string replace, string message)
    {
        string manifest = TfJsModel.Manifest.Replace(find, replace, StringComparison.Ordinal);
        manifest.Should().NotBe(TfJsModel.Manifest);

        FluentActions.Invoking(() => TfJsModel.Load(manifest, TfJsModel.ShardFiles()))
            .Should().Throw<CheckpointFormatException>().WithMessage("'model.json' is not a valid TF.js weights manifest: " + message);
    }

    [Fact]
    public void A_short_shard_is_refused_before_any_tensor_is_allocated()
    {
        Dictionary<string, byte[]> shards = TfJsModel.ShardFiles();
        shards["sub/part2.bin"] = shards["sub/part2.bin"][..^1];
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        FluentActions.Invoking(() => TfJsModel.Load(TfJsModel.Manifest, shards))
            .Should().Throw<CheckpointFormatException>().WithMessage("*'part1.bin', 'sub/part2.bin' hold 37 bytes*need 38*");
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }

    [Fact]
    public void A_missing_shard_file_is_refused_naming_it()
    {
        string folder = Directory.CreateTempSubdirectory("tfjs-").FullName;
        try
        {
            string manifest = Path.Combine(folder, "model.json");
            File.WriteAllText(manifest, TfJsModel.Manifest);
            File.WriteAllBytes(Path.Combine(folder, "part1.bin"), TfJsModel.Shards().First);

            FluentActions.Invoking(() => TfJsWeights.Load(manifest)).Should().Throw<CheckpointFormatException>()
                .WithMessage($"'{manifest}'*shard 'sub/part2.bin' does not exist*");
            FluentActions.Invoking(() => TfJsWeights.Load(Path.Combine(folder, "absent.json"))).Should().Throw<FileNotFoundException>();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Mutated_models_load_or_are_refused_with_CheckpointFormatException(int seed)
    {
        // One byte array holds the manifest and the shard, [length of manifest: 4 bytes][manifest][shard], so that a
        // mutation may hit either; the shard is face-api's first tensors (a 7×7×3×32 uint8 filter and more).
        byte[] manifest = System.Text.Encoding.UTF8.GetBytes("""
            [{"paths": ["w.bin"], "weights": [
              {"name":"conv/filters","shape":[7,7,3,32],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.0005260649557207145,"min":-0.07101876902229645}},
              {"name":"conv/bias","shape":[32],"dtype":"float32"},
              {"name":"scale/weights","shape":[32],"dtype":"float32","quantization":{"dtype":"uint16","scale":0.06814416062598135,"min":5.788674831390381}}]}]
            """);
        byte[] shard = File.ReadAllBytes(SharedData.PathOf("models/face-api/face_recognition_model.bin"))[..(4704 + 128 + 64)];
        byte[] original = [.. BitConverter.GetBytes(manifest.Length), .. manifest, .. shard];
        using (var warmUp = NewDisposeScope())
            Load(original).Should().HaveCount(3);

        var outcome = await Task.Run(() => MutationFuzzer.Run<CheckpointFormatException>(
            original, seed, 5000, TimeSpan.FromSeconds(10), (bytes, random) => MutationFuzzer.MutateBytes(bytes, random), ElementCount));

        outcome.ShouldBeClean(output, $"seed {seed}", minimumIterations: 200);
        outcome.Loaded.Should().BeGreaterThan(0, "mutations of tensor bytes leave a loadable model");
    }

    /// <summary>Unpacks and loads a (mutated) packed model; a broken length field is the test's own refusal.</summary>
    private static IReadOnlyDictionary<string, Tensor> Load(byte[] packed)
    {
        int length = packed.Length >= 4 ? BitConverter.ToInt32(packed) : -1;
        if (length < 0 || length > packed.Length - 4)
            throw new CheckpointFormatException("the packed length is out of range");
        byte[] shard = packed[(4 + length)..];
        return TfJsWeights.Load(new MemoryStream(packed, 4, length), _ => new MemoryStream(shard), "fuzz.json");
    }

    /// <summary>Elements loaded: each takes at least one byte of the shard, so they are bounded by the packed length.</summary>
    private static long ElementCount(byte[] mutant)
    {
        using var scope = NewDisposeScope();
        return Load(mutant).Values.Sum(tensor => tensor.NumberOfElements);
    }
}
