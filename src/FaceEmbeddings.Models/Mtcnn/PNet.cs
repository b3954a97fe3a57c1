using FaceEmbeddings.Models.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Mtcnn;

/// <summary>
/// MTCNN's proposal network: a fully convolutional 12×12 face/non-face classifier that slides over an
/// image with stride 2 and regresses a box offset per position. Parameter names and shapes equal
/// facenet-pytorch's <c>PNet</c>, so its <c>pnet.pt</c> loads strictly.
/// </summary>
public sealed class PNet : nn.Module<Tensor, (Tensor Regression, Tensor Probabilities)>
{
    // Field names are the state-dict keys of facenet-pytorch's PNet.
    private readonly Conv2d conv1;
    private readonly PReLU prelu1;
    private readonly MaxPool2d pool1;
    private readonly Conv2d conv2;
    private readonly PReLU prelu2;
    private readonly Conv2d conv3;
    private readonly PReLU prelu3;
    private readonly Conv2d conv4_1;
    private readonly Softmax softmax4_1;
    private readonly Conv2d conv4_2;

    /// <summary>Creates the network with untrained weights; load a state dict before use.</summary>
    public PNet() : base(nameof(PNet))
    {
        Nnpack.EnsureConfigured(); // libtorch would warn on every convolution where NNPACK is unsupported
        conv1 = nn.Conv2d(3, 10, kernel_size: 3);
        prelu1 = nn.PReLU(10);
        pool1 = nn.MaxPool2d(2, 2, ceil_mode: true);
        conv2 = nn.Conv2d(10, 16, kernel_size: 3);
        prelu2 = nn.PReLU(16);
        conv3 = nn.Conv2d(16, 32, kernel_size: 3);
        prelu3 = nn.PReLU(32);
        conv4_1 = nn.Conv2d(32, 2, kernel_size: 1);
        softmax4_1 = nn.Softmax(dim: 1);
        conv4_2 = nn.Conv2d(32, 4, kernel_size: 1);
        RegisterComponents();
        eval();
    }

    /// <summary>Runs the network on normalized images.</summary>
    /// <param name="input">[N, 3, H, W] float32, values <c>(x − 127.5) / 128</c>, H and W at least 12.</param>
    /// <returns>Box regression [N, 4, H', W'] and face/non-face probabilities [N, 2, H', W'], where
    /// H' = ⌈(H − 2) / 2⌉ − 4 (one output per 12×12 window at stride 2).</returns>
    public override (Tensor Regression, Tensor Probabilities) forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = conv1.call(input);                   // [N, 10, H − 2, W − 2]
        x = PReluMaxPool.Apply(x, prelu1, pool1);       // [N, 10, ⌈(H − 2) / 2⌉, ⌈(W − 2) / 2⌉]
        x = prelu2.call(conv2.call(x));                 // [N, 16, H' + 2, W' + 2]
        x = prelu3.call(conv3.call(x));                 // [N, 32, H', W'], channels-last
        // Softmax over the channel axis, as facenet-pytorch: libtorch's kernel for a last axis of two elements (the
        // channels-last layout's) costs 25 times more.
        Tensor probabilities = softmax4_1.call(ChannelsLast.Pointwise(x, conv4_1.weight, conv4_1.bias)); // [N, 2, H', W']
        Tensor regression = ChannelsLast.Pointwise(x, conv4_2.weight, conv4_2.bias);                     // [N, 4, H', W']
        return (regression.MoveToOuterDisposeScope(), probabilities.MoveToOuterDisposeScope());
    }
}
