using FaceEmbeddings.Models;
using FaceEmbeddings.Models.Mtcnn;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Mtcnn;

public class PReluMaxPoolTests
{
    /// <summary>Channels-last activations with exact zeros and both signs, as convolution outputs have.</summary>
    private static Tensor Activations(long batch, long channels, long height, long width, int seed)
    {
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        Tensor values = randn(new[] { batch, height, width, channels }, generator: generator);
        values = where(values.abs().lt(tensor(0.05f)), zeros_like(values), values); // some exact zeros
        return values.permute(0, 3, 1, 2);                                 // N×C×H×W, channels-last
    }

    private static PReLU Activation(long channels, int seed)
    {
        var prelu = nn.PReLU(channels);
        using (no_grad())
            prelu.weight!.copy_(randn(new[] { channels }, generator: new TorchSharp.torch.Generator((ulong)seed)));
        return prelu;
    }

    public static TheoryData<int, int, int, int, int, int, bool> Shapes => new()
    {
        // batch, channels, height, width, kernel, stride, ceil mode
        { 1, 10, 23, 37, 2, 2, true },  // P-Net: odd sides, the last window is a single pixel
        { 2, 10, 24, 36, 2, 2, true },  // P-Net: even sides
        { 5, 28, 22, 22, 3, 2, true },  // R-Net pool1
        { 5, 48, 9, 9, 3, 2, true },    // R-Net pool2
        { 3, 32, 46, 46, 3, 2, true },  // O-Net pool1
        { 3, 64, 8, 8, 2, 2, true },    // O-Net pool3
        { 2, 16, 21, 19, 3, 2, false }, // floor mode
        { 2, 3, 13, 11, 2, 2, true },   // fewer channels than a vector
        { 1, 8, 3, 3, 3, 3, true },     // one window
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Equals_the_modules_bit_for_bit(int batch, int channels, int height, int width, int kernel, int stride, bool ceilMode)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        Tensor x = Activations(batch, channels, height, width, seed: height * 100 + channels);
        PReLU prelu = Activation(channels, seed: channels);
        MaxPool2d pool = nn.MaxPool2d(kernel, stride, ceil_mode: ceilMode);

        PReluMaxPool.CanFuse(x, prelu, pool).Should().BeTrue("the managed kernel is what this test checks");
        Tensor fused = PReluMaxPool.Apply(x, prelu, pool);
        Tensor expected = pool.call(prelu.call(x));

        fused.shape.Should().Equal(expected.shape);
        fused.equal(expected).all().item<bool>().Should().BeTrue();
        ChannelsLast.Of(fused).Handle.Should().Be(fused.Handle, "the output stays channels-last for the next convolution");
    }

    [Fact]
    public void A_single_slope_applies_to_every_channel()
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        Tensor x = Activations(2, 12, 10, 10, seed: 3);
        var prelu = nn.PReLU(1, init: -0.7);
        MaxPool2d pool = nn.MaxPool2d(2, 2, ceil_mode: true);

        PReluMaxPool.CanFuse(x, prelu, pool).Should().BeTrue();
        PReluMaxPool.Apply(x, prelu, pool).equal(pool.call(prelu.call(x))).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Not_a_number_inputs_stay_not_a_number_in_their_windows()
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        Tensor x = Activations(1, 10, 6, 6, seed: 5);
        x[0, 4, 3, 3] = tensor(float.NaN); // the window's last row and column: hardware maxima would drop it
        x[0, 2, 0, 0] = tensor(float.NaN); // its first
        PReLU prelu = Activation(10, seed: 1);
        MaxPool2d pool = nn.MaxPool2d(2, 2, ceil_mode: true);

        Tensor fused = PReluMaxPool.Apply(x, prelu, pool);

        fused[0, 4, 1, 1].item<float>().Should().Be(float.NaN, "libtorch's max-pool propagates NaN and so must the kernel");
        fused[0, 2, 0, 0].item<float>().Should().Be(float.NaN);
        fused.isnan().sum().item<long>().Should().Be(2);
    }

    [Fact]
    public void Other_inputs_go_through_the_modules_with_the_same_result()
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        PReLU prelu = Activation(10, seed: 2);
        MaxPool2d pool = nn.MaxPool2d(2, 2, ceil_mode: true);
        Tensor channelsLast = Activations(1, 10, 9, 9, seed: 8);
        Tensor nchw = channelsLast.contiguous();

        PReluMaxPool.CanFuse(nchw, prelu, pool).Should().BeFalse();
        PReluMaxPool.Apply(nchw, prelu, pool).equal(pool.call(prelu.call(nchw))).all().item<bool>().Should().BeTrue();
        PReluMaxPool.CanFuse(channelsLast.to(ScalarType.Float64), prelu, pool).Should().BeFalse("the kernel is float32 only");
        PReluMaxPool.CanFuse(channelsLast, prelu, nn.MaxPool2d(2, 2, padding: 1)).Should().BeFalse("padding is left to libtorch");
        PReluMaxPool.CanFuse(channelsLast, prelu, nn.MaxPool2d(2, 2, dilation: 2)).Should().BeFalse("dilation is left to libtorch");
        PReluMaxPool.CanFuse(channelsLast[.., .., ..1], prelu, pool).Should().BeFalse("an input smaller than the window gets libtorch's error");
    }

    [Fact]
    public void Recording_gradients_goes_through_the_modules()
    {
        using var scope = NewDisposeScope();
        PReLU prelu = Activation(10, seed: 4);
        MaxPool2d pool = nn.MaxPool2d(2, 2, ceil_mode: true);
        Tensor x = Activations(1, 10, 8, 8, seed: 9);

        PReluMaxPool.CanFuse(x, prelu, pool).Should().BeFalse("the slopes require gradients and grad mode is on");
        Tensor y = PReluMaxPool.Apply(x, prelu, pool);
        y.requires_grad.Should().BeTrue();
        y.sum().backward();
        prelu.weight!.grad.Should().NotBeNull();
    }
}
