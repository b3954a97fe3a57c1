using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Checkpoints;

public class HostileCheckpointTests
{
    // The command inside both malicious fixtures: "echo this-must-never-run > /tmp/faceembeddings-pwned".
    private const string MarkerFile = "/tmp/faceembeddings-pwned";

    [Theory]
    [InlineData("malicious-legacy.pt")]
    [InlineData("malicious-zip.pt")]
    public void Pickle_calling_os_system_is_refused_and_runs_nothing(string file)
    {
        string path = SharedData.PathOf($"fixtures/checkpoints/{file}");
        System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(path)).Should().Contain("posix\nsystem").And.Contain(MarkerFile);
        File.Delete(MarkerFile);

        var load = () => TorchCheckpoint.Load(path);

        load.Should().Throw<CheckpointFormatException>()
            .WithMessage($"*{file}*the global 'posix.system'*not allowed*nothing was executed*");
        File.Exists(MarkerFile).Should().BeFalse();
    }

    [Fact]
    public void Truncated_legacy_file_is_refused_naming_the_missing_bytes()
    {
        var load = () => TorchCheckpoint.Load(SharedData.PathOf("fixtures/checkpoints/truncated-legacy.pt"));

        load.Should().Throw<CheckpointFormatException>().WithMessage("*truncated-legacy.pt*storage*needs*bytes*remain*truncated*");
    }

    [Fact]
    public void Html_error_page_is_refused_as_not_a_checkpoint()
    {
        var load = () => TorchCheckpoint.Load(SharedData.PathOf("fixtures/checkpoints/not-a-checkpoint.pt"));

        load.Should().Throw<CheckpointFormatException>().WithMessage("*not-a-checkpoint.pt*3C68746D*neither a zip-format*nor a legacy*");
    }

    [Fact]
    public void Empty_input_is_refused()
    {
        var load = () => TorchCheckpoint.Load(new MemoryStream());

        load.Should().Throw<CheckpointFormatException>().WithMessage("checkpoint stream: the checkpoint is empty.");
    }

    [Theory]
    [InlineData("builtins", "eval")]
    [InlineData("subprocess", "Popen")]
    [InlineData("torch", "load")]
    [InlineData("torch", "ComplexFloatStorage")]
    [InlineData("collections", "defaultdict")]
    public void Any_global_outside_the_allow_list_is_refused_by_name(string module, string name)
    {
        byte[] pickle = new PickleWriter().Proto().Global(module, name).Text("x").Op(0x85).Reduce().Stop().ToArray();

        var load = () => TorchCheckpoint.Load(new MemoryStream(CheckpointBuilder.Zip(pickle, new Dictionary<string, byte[]>())));

        load.Should().Throw<CheckpointFormatException>().WithMessage($"*global '{module}.{name}'*not allowed*");
    }

    [Fact]
    public void Storage_class_cannot_be_called()
    {
        byte[] pickle = new PickleWriter().Proto().Global("torch", "FloatStorage").EmptyTuple().Reduce().Stop().ToArray();

        var load = () => TorchCheckpoint.Load(new MemoryStream(CheckpointBuilder.Zip(pickle, new Dictionary<string, byte[]>())));

        load.Should().Throw<CheckpointFormatException>().WithMessage("*calls torch.FloatStorage*never does*");
    }

    [Fact]
    public void Unknown_opcode_is_refused_with_its_value_and_offset()
    {
        // INST (0x69) builds an arbitrary class instance in protocol 0.
        byte[] pickle = new PickleWriter().Proto().Op((byte)'i').Raw("os\nsystem\n"u8).Stop().ToArray();

        var load = () => TorchCheckpoint.Load(new MemoryStream(CheckpointBuilder.Zip(pickle, new Dictionary<string, byte[]>())));

        load.Should().Throw<CheckpointFormatException>().WithMessage("*data.pkl*opcode 0x69 at offset 2*");
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var writer = new PickleWriter().Proto();
        for (int i = 0; i < 10_000; i++)
            writer.Mark();

        var load = () => TorchCheckpoint.Load(new MemoryStream(CheckpointBuilder.Zip(writer.Stop().ToArray(), new Dictionary<string, byte[]>())));

        load.Should().Throw<CheckpointFormatException>().WithMessage("*nests deeper than 100 levels*");
    }

    [Fact]
    public void String_length_beyond_the_file_is_refused_before_allocating()
    {
        byte[] pickle = new PickleWriter().Proto().Op((byte)'X').Raw([0xff, 0xff, 0xff, 0x7f]).ToArray();

        var load = () => TorchCheckpoint.Load(new MemoryStream(CheckpointBuilder.Zip(pickle, new Dictionary<string, byte[]>())));

        load.Should().Throw<CheckpointFormatException>().WithMessage("*a string*needs 2147483647 bytes*only 0 remain*");
    }

    [Fact]
    public void Legacy_storage_count_beyond_the_file_is_refused_before_allocating()
    {
        const long claimed = 1L << 60;
        byte[] state = new PickleWriter().Proto().OrderedDict().Mark()
            .Text("w").Tensor("FloatStorage", "0", claimed / 4, 0, [claimed / 4], [1])
            .SetItems().Stop().ToArray();
        byte[] file = CheckpointBuilder.Legacy(state, [("0", claimed / 4, new byte[16])]);

        var load = () => TorchCheckpoint.Load(new MemoryStream(file));

        load.Should().Throw<CheckpointFormatException>().WithMessage($"*storage '0'*needs {claimed} bytes*only 16 remain*");
    }

    [Fact]
    public void Legacy_storage_count_disagreeing_with_the_pickle_is_refused()
    {
        byte[] state = new PickleWriter().Proto().OrderedDict().Mark()
            .Text("w").Tensor("FloatStorage", "0", 4, 0, [4], [1])
            .SetItems().Stop().ToArray();
        byte[] file = CheckpointBuilder.Legacy(state, [("0", 3, new byte[12])]);

        var load = () => TorchCheckpoint.Load(new MemoryStream(file));

        load.Should().Throw<CheckpointFormatException>().WithMessage("*stores 3 elements for storage '0'*declares 4 × FloatStorage*");
    }

    [Fact]
    public void Zip_record_length_disagreeing_with_the_pickle_is_refused()
    {
        byte[] pickle = new PickleWriter().Proto().OrderedDict().Mark()
            .Text("w").Tensor("FloatStorage", "0", 1L << 40, 0, [1L << 40], [1])
            .SetItems().Stop().ToArray();

        var load = () => TorchCheckpoint.Load(new MemoryStream(CheckpointBuilder.Zip(pickle, new Dictionary<string, byte[]> { ["0"] = new byte[16] })));

        load.Should().Throw<CheckpointFormatException>().WithMessage("*record 'archive/data/0' holds 16 bytes*declares 1099511627776 × FloatStorage*");
    }

    [Fact]
    public void View_reaching_beyond_its_storage_is_refused()
    {
        byte[] pickle = new PickleWriter().Proto().OrderedDict().Mark()
            .Text("w").Tensor("FloatStorage", "0", 4, 1, [2, 2], [2, 1])
            .SetItems().Stop().ToArray();

        var load = () => TorchCheckpoint.Load(new MemoryStream(CheckpointBuilder.Zip(pickle, new Dictionary<string, byte[]> { ["0"] = new byte[16] })));

        load.Should().Throw<CheckpointFormatException>().WithMessage("*'w' (size [2, 2], stride [2, 1], offset 1)*reaches element 4 of a storage with 4 elements*");
    }

    [Fact]
    public void Wrong_magic_number_is_refused()
    {
        byte[] file = CheckpointBuilder.Legacy(new PickleWriter().Proto().OrderedDict().Stop().ToArray(), []);
        file[5] ^= 0x01;

        var load = () => TorchCheckpoint.Load(new MemoryStream(file));

        load.Should().Throw<CheckpointFormatException>().WithMessage("*does not begin with PyTorch's magic number*");
    }

    [Fact]
    public void Non_tensor_entries_are_refused_by_name()
    {
        byte[] pickle = new PickleWriter().Proto().EmptyDict().Mark().Text("epoch").Number(3).SetItems().Stop().ToArray();

        var load = () => TorchCheckpoint.Load(new MemoryStream(CheckpointBuilder.Zip(pickle, new Dictionary<string, byte[]>())));

        load.Should().Throw<CheckpointFormatException>().WithMessage("*has a int under 'epoch'*only tensors*");
    }

    [Fact]
    public void Refused_file_leaves_no_tensors_behind()
    {
        using var scope = NewDisposeScope();
        var load = () => TorchCheckpoint.Load(SharedData.PathOf("fixtures/checkpoints/truncated-legacy.pt"));

        load.Should().Throw<CheckpointFormatException>();
        scope.DisposablesCount.Should().Be(0);
    }
}
