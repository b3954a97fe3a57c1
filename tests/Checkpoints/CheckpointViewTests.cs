using FaceEmbeddings.Models.Checkpoints;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Checkpoints;

public class CheckpointViewTests
{
    private static readonly byte[] Elements = [.. Enumerable.Range(0, 12).SelectMany(i => BitConverter.GetBytes((float)i))];

    // One float storage s = [0, 1, ..., 11] seen by several tensors, as torch.save writes views of one tensor.
    private static byte[] SharedStoragePickle() => new PickleWriter().Proto().OrderedDict().Mark()
        .Text("matrix").Tensor("FloatStorage", "0", 12, 0, [3, 4], [4, 1])
        .Text("transposed").Tensor("FloatStorage", "0", 12, 2, [2, 3], [1, 2])
        .Text("column").Tensor("FloatStorage", "0", 12, 1, [4], [3])
        .Text("scalar").Tensor("FloatStorage", "0", 12, 11, [], [])
        .Text("empty").Tensor("FloatStorage", "0", 12, 0, [0, 5], [5, 1])
        .Text("parameter").Global("torch._utils", "_rebuild_parameter").Mark()
            .Tensor("FloatStorage", "0", 12, 6, [2], [1]).Bool(true).OrderedDict().Tuple().Reduce()
        .SetItems()
        // torch.save records module versions on the OrderedDict through BUILD.
        .EmptyDict().Mark().Text("_metadata").OrderedDict().SetItems().Build()
        .Stop().ToArray();

    public static TheoryData<string> Containers => ["zip", "legacy"];

    [Theory]
    [MemberData(nameof(Containers))]
    public void Tensors_sharing_one_storage_keep_their_offsets_and_strides(string container)
    {
        using var scope = NewDisposeScope();
        byte[] file = container == "zip"
            ? CheckpointBuilder.Zip(SharedStoragePickle(), new Dictionary<string, byte[]> { ["0"] = Elements })
            : CheckpointBuilder.Legacy(SharedStoragePickle(), [("0", 12, Elements)]);

        using var tensors = TorchCheckpoint.Load(new MemoryStream(file));

        tensors.Keys.Should().Equal("matrix", "transposed", "column", "scalar", "empty", "parameter");
        Values(tensors["matrix"]).Should().Equal(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        tensors["matrix"].shape.Should().Equal(3, 4);
        // transposed[i, j] = s[2 + i + 2j]
        Values(tensors["transposed"]).Should().Equal(2, 4, 6, 3, 5, 7);
        tensors["transposed"].is_contiguous().Should().BeTrue();
        Values(tensors["column"]).Should().Equal(1, 4, 7, 10);
        tensors["scalar"].shape.Should().BeEmpty();
        tensors["scalar"].item<float>().Should().Be(11);
        tensors["empty"].shape.Should().Equal(0, 5);
        Values(tensors["parameter"]).Should().Equal(6, 7);
    }

    [Fact]
    public void Storage_types_map_to_their_element_types()
    {
        using var scope = NewDisposeScope();
        var storages = new Dictionary<string, byte[]>
        {
            ["h"] = [.. BitConverter.GetBytes((Half)1.5), .. BitConverter.GetBytes((Half)(-2))],
            ["b"] = [0x80, 0x3f, 0x00, 0xc0], // bfloat16 1.0, -2.0
            ["d"] = BitConverter.GetBytes(0.1),
            ["l"] = BitConverter.GetBytes(-5L),
            ["i"] = BitConverter.GetBytes(-7),
            ["s"] = BitConverter.GetBytes((short)-9),
            ["c"] = [0xfe],
            ["u"] = [0xfe],
            ["bool"] = [0, 1, 2],
        };
        byte[] pickle = new PickleWriter().Proto().OrderedDict().Mark()
            .Text("half").Tensor("HalfStorage", "h", 2, 0, [2], [1])
            .Text("bfloat16").Tensor("BFloat16Storage", "b", 2, 0, [2], [1])
            .Text("double").Tensor("DoubleStorage", "d", 1, 0, [1], [1])
            .Text("long").Tensor("LongStorage", "l", 1, 0, [1], [1])
            .Text("int").Tensor("IntStorage", "i", 1, 0, [1], [1])
            .Text("short").Tensor("ShortStorage", "s", 1, 0, [1], [1])
            .Text("char").Tensor("CharStorage", "c", 1, 0, [1], [1])
            .Text("byte").Tensor("ByteStorage", "u", 1, 0, [1], [1])
            .Text("bool").Tensor("BoolStorage", "bool", 3, 0, [3], [1])
            .SetItems().Stop().ToArray();

        using var tensors = TorchCheckpoint.Load(new MemoryStream(CheckpointBuilder.Zip(pickle, storages)));

        tensors["half"].dtype.Should().Be(ScalarType.Float16);
        Values(tensors["half"]).Should().Equal(1.5, -2);
        tensors["bfloat16"].dtype.Should().Be(ScalarType.BFloat16);
        Values(tensors["bfloat16"]).Should().Equal(1, -2);
        tensors["double"].dtype.Should().Be(ScalarType.Float64);
        tensors["double"].item<double>().Should().Be(0.1);
        tensors["long"].item<long>().Should().Be(-5);
        tensors["int"].item<int>().Should().Be(-7);
        tensors["short"].item<short>().Should().Be(-9);
        tensors["char"].item<sbyte>().Should().Be(-2);
        tensors["byte"].item<byte>().Should().Be(254);
        tensors["bool"].dtype.Should().Be(ScalarType.Bool);
        tensors["bool"].data<bool>().ToArray().Should().Equal(false, true, true);
    }

    private static double[] Values(Tensor tensor) => tensor.to(ScalarType.Float64).flatten().data<double>().ToArray();
}
