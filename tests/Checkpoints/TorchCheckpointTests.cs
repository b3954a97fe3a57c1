using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Checkpoints;

public class TorchCheckpointTests
{
    // Keys and shapes follow facenet-pytorch's PNet/RNet/ONet definitions (models/mtcnn.py), in registration order.
    public static TheoryData<string, string> MtcnnLayouts => new()
    {
        {
            "mtcnn/pnet.pt",
            "conv1.weight 10,3,3,3; conv1.bias 10; prelu1.weight 10; conv2.weight 16,10,3,3; conv2.bias 16; prelu2.weight 16; "
            + "conv3.weight 32,16,3,3; conv3.bias 32; prelu3.weight 32; conv4_1.weight 2,32,1,1; conv4_1.bias 2; "
            + "conv4_2.weight 4,32,1,1; conv4_2.bias 4"
        },
        {
            "mtcnn/rnet.pt",
            "conv1.weight 28,3,3,3; conv1.bias 28; prelu1.weight 28; conv2.weight 48,28,3,3; conv2.bias 48; prelu2.weight 48; "
            + "conv3.weight 64,48,2,2; conv3.bias 64; prelu3.weight 64; dense4.weight 128,576; dense4.bias 128; prelu4.weight 128; "
            + "dense5_1.weight 2,128; dense5_1.bias 2; dense5_2.weight 4,128; dense5_2.bias 4"
        },
        {
            "mtcnn/onet.pt",
            "conv1.weight 32,3,3,3; conv1.bias 32; prelu1.weight 32; conv2.weight 64,32,3,3; conv2.bias 64; prelu2.weight 64; "
            + "conv3.weight 64,64,3,3; conv3.bias 64; prelu3.weight 64; conv4.weight 128,64,2,2; conv4.bias 128; prelu4.weight 128; "
            + "dense5.weight 256,1152; dense5.bias 256; prelu5.weight 256; dense6_1.weight 2,256; dense6_1.bias 2; "
            + "dense6_2.weight 4,256; dense6_2.bias 4; dense6_3.weight 10,256; dense6_3.bias 10"
        },
    };

    [Theory]
    [MemberData(nameof(MtcnnLayouts))]
    public void Mtcnn_weights_load_with_facenet_pytorch_keys_and_shapes(string file, string layout)
    {
        using var scope = NewDisposeScope();
        using var tensors = TorchCheckpoint.Load(SharedData.PathOf($"models/{file}"));

        var expected = layout.Split("; ").Select(entry => entry.Split(' ')).ToList();
        tensors.Keys.Should().Equal(expected.Select(entry => entry[0]));
        foreach (var entry in expected)
        {
            var tensor = tensors[entry[0]];
            tensor.shape.Should().Equal(entry[1].Split(',').Select(long.Parse), entry[0]);
            tensor.dtype.Should().Be(ScalarType.Float32);
            tensor.is_contiguous().Should().BeTrue();
        }
    }

    // Expected values were read from the files with Python's own pickle module and struct (no torch): the
    // first and last element in logical (row-major) order and the exact sum of all elements.
    [Theory]
    [InlineData("models/mtcnn/pnet.pt", "conv1.weight", -0.08164715766906738, 0.5087199807167053, 2.3487670375034213)]
    [InlineData("models/mtcnn/pnet.pt", "prelu1.weight", -0.6254063248634338, -1.2783164978027344, -2.3045754581689835)]
    [InlineData("models/mtcnn/rnet.pt", "dense4.weight", 0.016650894656777382, -0.043069686740636826, -73.59475462388977)]
    [InlineData("models/mtcnn/onet.pt", "conv4.weight", 0.03660539910197258, -0.027960404753684998, -56.90709998856505)]
    [InlineData("models/mtcnn/onet.pt", "dense6_3.weight", 0.020405491814017296, -0.022812549024820328, -0.8376480606541463)]
    [InlineData("fixtures/checkpoints/pnet-zipformat.pt", "conv1.weight", -0.08164715766906738, 0.5087199807167053, 2.3487670375034213)]
    [InlineData("fixtures/inception_resnet_v1/irv1-random-fp16.pt", "last_bn.running_var", 1.341796875, 0.75634765625, 472.337890625)]
    public void Values_are_read_in_logical_order_through_the_stored_strides(string file, string key, double first, double last, double sum)
    {
        using var scope = NewDisposeScope();
        using var tensor = TorchCheckpoint.Load(SharedData.PathOf(file))[key].to(ScalarType.Float64).flatten();

        tensor[0].item<double>().Should().Be(first);
        tensor[-1].item<double>().Should().Be(last);
        tensor.sum().item<double>().Should().BeApproximately(sum, 1e-9 * Math.Max(1, tensor.shape[0]));
    }

    [Fact]
    public void Zip_format_pnet_gives_bitwise_the_same_tensors_as_the_legacy_file()
    {
        using var scope = NewDisposeScope();
        using var legacy = TorchCheckpoint.Load(SharedData.PathOf("models/mtcnn/pnet.pt"));
        using var zip = TorchCheckpoint.Load(SharedData.PathOf("fixtures/checkpoints/pnet-zipformat.pt"));

        zip.Keys.Should().Equal(legacy.Keys);
        foreach (string key in legacy.Keys)
        {
            zip[key].dtype.Should().Be(legacy[key].dtype, key);
            zip[key].shape.Should().Equal(legacy[key].shape, key);
            zip[key].bytes.ToArray().Should().Equal(legacy[key].bytes.ToArray(), key);
        }
    }

    [Fact]
    public void Half_precision_inception_resnet_checkpoint_loads_with_facenet_pytorch_keys_shapes_and_dtypes()
    {
        using var scope = NewDisposeScope();
        using var tensors = TorchCheckpoint.Load(SharedData.PathOf("fixtures/inception_resnet_v1/irv1-random-fp16.pt"));

        var expected = InceptionResnetV1Layout.StateDict();
        tensors.Keys.Should().Equal(expected.Select(entry => entry.Key));
        foreach ((string key, long[] shape) in expected)
        {
            tensors[key].shape.Should().Equal(shape, key);
            tensors[key].dtype.Should().Be(key.EndsWith("num_batches_tracked", StringComparison.Ordinal) ? ScalarType.Int64 : ScalarType.Float16, key);
        }
        tensors["logits.weight"].shape.Should().Equal(8631, 512);
        // Read with Python's pickle and struct: logits.weight's first and last half-precision values.
        tensors["logits.weight"][0, 0].to(ScalarType.Float64).item<double>().Should().Be(0.03045654296875);
        tensors["logits.weight"][-1, -1].to(ScalarType.Float64).item<double>().Should().Be(0.034210205078125);
        tensors["conv2d_1a.bn.num_batches_tracked"].item<long>().Should().Be(1);
    }

    [Fact]
    public void Stream_that_cannot_seek_loads_like_the_file()
    {
        using var scope = NewDisposeScope();
        string path = SharedData.PathOf("fixtures/checkpoints/pnet-zipformat.pt");
        using var fromFile = TorchCheckpoint.Load(path);
        using var stream = new ForwardOnlyStream(File.ReadAllBytes(path));

        using var fromStream = TorchCheckpoint.Load(stream);

        fromStream.Keys.Should().Equal(fromFile.Keys);
        foreach (string key in fromFile.Keys)
            fromStream[key].bytes.ToArray().Should().Equal(fromFile[key].bytes.ToArray(), key);
    }

    [Theory]
    [InlineData("models/mtcnn/pnet.pt")]
    [InlineData("fixtures/checkpoints/pnet-zipformat.pt")]
    public void Stream_is_read_from_its_current_position(string file)
    {
        using var scope = NewDisposeScope();
        string path = SharedData.PathOf(file);
        byte[] prefix = "unrelated header"u8.ToArray();
        using var stream = new MemoryStream([.. prefix, .. File.ReadAllBytes(path)]);
        stream.Position = prefix.Length;

        using var fromStream = TorchCheckpoint.Load(stream);

        using var fromFile = TorchCheckpoint.Load(path);
        fromStream.Keys.Should().Equal(fromFile.Keys);
        foreach (string key in fromFile.Keys)
            fromStream[key].bytes.ToArray().Should().Equal(fromFile[key].bytes.ToArray(), key);
    }

    [Fact]
    public void A_loaded_state_dict_outlives_the_stream_and_the_callers_dispose_scope_and_dispose_frees_it()
    {
        byte[] file = File.ReadAllBytes(SharedData.PathOf("models/mtcnn/pnet.pt"));
        using (TorchCheckpoint.Load(new MemoryStream(file))) { }
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        StateDictionary stateDict;
        using (var outer = NewDisposeScope())
        {
            using (var stream = new MemoryStream(file))
                stateDict = TorchCheckpoint.Load(stream);
            outer.DisposablesCount.Should().Be(0, "the state dict owns its tensors, not the caller's scope");
        }
        Tensor weight = stateDict["conv1.weight"];
        weight.IsInvalid.Should().BeFalse();
        // The stream and the scope are gone; the values are still there (first element as read with Python's pickle).
        using (Tensor flat = weight.flatten())
        using (Tensor first = flat[0])
            first.item<float>().Should().Be(-0.08164715766906738f);

        stateDict.Dispose();
        weight.IsInvalid.Should().BeTrue();
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before, "disposing the state dict frees every tensor of the file");
    }

    /// <summary>A stream that only reads forwards, like a network response.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
