using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Checkpoints;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("safetensors-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Reads_the_metrics_fixture_written_by_the_python_library()
    {
        using var file = SafeTensors.Load(SharedData.PathOf("fixtures/metrics/reference.safetensors"));

        Tensor x = file["x"];
        x.shape.Should().Equal(98, 512);
        x.dtype.Should().Be(ScalarType.Float32);
        // The fixture README says the rows are unit vectors in two groups of 49.
        using Tensor norms = x.norm(1);
        norms.min().item<float>().Should().BeApproximately(1f, 1e-5f);
        norms.max().item<float>().Should().BeApproximately(1f, 1e-5f);
        using Tensor ones = file["group"].to(ScalarType.Int64).sum();
        ones.item<long>().Should().Be(49);
        file["cdist"].shape.Should().Equal(98, 98);
    }

    [Fact]
    public void Reads_a_file_written_byte_by_byte_in_the_documented_layout()
    {
        string header = """{"__metadata__":{"source":"hand"},"b":{"dtype":"I64","shape":[1],"data_offsets":[8,16]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        using var bytes = new MemoryStream();
        bytes.Write(BitConverter.GetBytes((ulong)header.Length));
        bytes.Write(System.Text.Encoding.UTF8.GetBytes(header));
        bytes.Write(BitConverter.GetBytes(1.5f));
        bytes.Write(BitConverter.GetBytes(-2f));
        bytes.Write(BitConverter.GetBytes(123456789012L));
        bytes.Position = 0;

        using var file = SafeTensors.Load(bytes);

        file.Tensors.Keys.Should().Equal("b", "a");
        file.Metadata.Should().Equal(new Dictionary<string, string> { ["source"] = "hand" });
        file["a"].data<float>().ToArray().Should().Equal(1.5f, -2f);
        file["b"].data<long>().ToArray().Should().Equal(123456789012L);
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Int64)]
    [InlineData(ScalarType.Int32)]
    [InlineData(ScalarType.Byte)]
    [InlineData(ScalarType.Bool)]
    public void Round_trips_every_supported_dtype(ScalarType type)
    {
        using var scope = NewDisposeScope();
        Tensor original = tensor(Enumerable.Range(0, 24).Select(i => i * 1.25 - 7).ToArray()).reshape(2, 3, 4).to(type);
        Tensor empty = zeros(new long[] { 0, 5 }, type);
        string path = Path.Combine(_directory, $"{type}.safetensors");

        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["values"] = original, ["empty"] = empty }, new Dictionary<string, string> { ["kind"] = type.ToString() });
        using var file = SafeTensors.Load(path);

        file["values"].dtype.Should().Be(type);
        file["values"].shape.Should().Equal(2, 3, 4);
        file["values"].to(ScalarType.Float64).data<double>().ToArray().Should().Equal(original.to(ScalarType.Float64).data<double>().ToArray());
        file["empty"].shape.Should().Equal(0, 5);
        file.Metadata["kind"].Should().Be(type.ToString());
        Directory.GetFiles(_directory).Should().ContainSingle("the temporary file is renamed, not left behind");
    }

    [Fact]
    public void Loaded_tensors_belong_to_the_file_not_to_the_callers_dispose_scope()
    {
        string path = Path.Combine(_directory, "owned.safetensors");
        using (var scope = NewDisposeScope())
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = TestTensors.Range(4, ScalarType.Float32) });

        SafeTensorsFile file;
        using (var scope = NewDisposeScope())
            file = SafeTensors.Load(path);

        using (file)
            file["x"].data<float>().ToArray().Should().Equal(0f, 1f, 2f, 3f);
    }

    [Fact]
    public void Saved_files_align_the_data_section_to_eight_bytes()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(_directory, "aligned.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = ones(3) });

        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        (headerLength % 8).Should().Be(0);
        bytes.Length.Should().Be((int)(8 + headerLength + 12));
    }

    [Fact]
    public void Saving_an_unsupported_dtype_fails_and_leaves_no_file()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(_directory, "complex.safetensors");
        var save = () => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["z"] = zeros(2, ScalarType.ComplexFloat32) });

        save.Should().Throw<ArgumentException>().WithMessage("*'z'*ComplexFloat32*");
        Directory.GetFiles(_directory).Should().BeEmpty();
    }

    public static TheoryData<string, string> BrokenHeaders => new()
    {
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}""", "*'a'*outside*" },
        { """{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "*'a'*needs 12*" },
        { """{"a":{"dtype":"Q8","shape":[2],"data_offsets":[0,8]}}""", "*'a'*unsupported dtype 'Q8'*" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}""", "*overlap*" },
        { """{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}}""", "*'a'*invalid shape*" },
        { """{"a":{"dtype":"F32","shape":[2]}}""", "*'a'*data_offsets*" },
        { """[1,2,3]""", "*not a JSON object*" },
        { """{"a": """, "*not valid JSON*" },
    };

    [Theory]
    [MemberData(nameof(BrokenHeaders))]
    public void Rejects_inconsistent_headers_naming_the_problem(string header, string expectedMessage)
    {
        string path = Path.Combine(_directory, "broken.safetensors");
        using (var stream = File.Create(path))
        {
            stream.Write(BitConverter.GetBytes((ulong)System.Text.Encoding.UTF8.GetByteCount(header)));
            stream.Write(System.Text.Encoding.UTF8.GetBytes(header));
            stream.Write(new byte[8]);
        }

        var load = () => SafeTensors.Load(path);

        load.Should().Throw<CheckpointFormatException>().WithMessage(expectedMessage).And.Message.Should().Contain(path);
    }

    [Fact]
    public void Rejects_a_header_length_larger_than_the_file_without_allocating_it()
    {
        using var stream = new MemoryStream();
        stream.Write(BitConverter.GetBytes(ulong.MaxValue / 2));
        stream.Write("{}"u8);
        stream.Position = 0;

        var load = () => SafeTensors.Load(stream, "huge-header");

        load.Should().Throw<CheckpointFormatException>().WithMessage("*huge-header*header claims*");
    }

    [Fact]
    public void Rejects_files_shorter_than_the_length_field()
    {
        using var stream = new MemoryStream(new byte[5]);
        var load = () => SafeTensors.Load(stream, "tiny");
        load.Should().Throw<CheckpointFormatException>().WithMessage("*tiny*too short*");
    }
}
