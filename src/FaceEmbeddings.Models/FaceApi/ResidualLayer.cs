using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>
/// face-api's <c>residual</c> and <c>residualDown</c>: two 3×3 convolutions (<c>conv1</c> with ReLU, <c>conv2</c>
/// without) added to the input, then ReLU. The down form halves the resolution: <c>conv1</c> is stride 2 "valid",
/// the shortcut is a 2×2 average pool, and face-api pads with zeros where the two disagree (see <see cref="forward"/>).
/// </summary>
internal sealed class ResidualLayer : nn.Module<Tensor, Tensor>
{
    // Field names are face-api's weight names (<layer>/conv1/…, <layer>/conv2/…).
    private readonly ConvLayer conv1;
    private readonly ConvLayer conv2;
    private readonly bool down;

    public ResidualLayer(string name, long inChannels, long outChannels, bool down) : base(name)
    {
        conv1 = new ConvLayer("conv1", inChannels, outChannels, 3, down, relu: true);
        conv2 = new ConvLayer("conv2", outChannels, outChannels, 3, down: false, relu: false);
        this.down = down;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor output = conv2.call(conv1.call(x)); // N×O×H'×W'
        Tensor shortcut = x;
        if (down)
        {
            shortcut = nn.functional.avg_pool2d(x, 2, 2); // N×I×⌊H/2⌋×⌊W/2⌋
            // A "valid" stride-2 convolution of an even side loses one more row and column than the pool:
            // face-api appends one zero row (bottom), then one zero column (right).
            if (output.shape[2] != shortcut.shape[2] || output.shape[3] != shortcut.shape[3])
            {
                output = cat([output, ZerosLike(output, rows: 1, columns: output.shape[3])], 2);
                output = cat([output, ZerosLike(output, rows: output.shape[2], columns: 1)], 3);
            }
            // More output channels than input: the shortcut gets zero channels after its own.
            long missing = output.shape[1] - shortcut.shape[1];
            if (missing > 0)
                shortcut = cat([shortcut, zeros([shortcut.shape[0], missing, shortcut.shape[2], shortcut.shape[3]], shortcut.dtype, shortcut.device)], 1);
        }
        using Scalar one = 1;
        return output.add_(shortcut, one).relu_().MoveToOuterDisposeScope();
    }

    private static Tensor ZerosLike(Tensor x, long rows, long columns) =>
        zeros([x.shape[0], x.shape[1], rows, columns], x.dtype, x.device);
}
