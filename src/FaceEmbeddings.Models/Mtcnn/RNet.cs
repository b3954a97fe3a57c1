using FaceEmbeddings.Models.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Mtcnn;

/// <summary>
/// MTCNN's refinement network: scores 24×24 candidate crops and regresses a box offset for each.
/// Parameter names and shapes equal facenet-pytorch's <c>RNet</c>, so its <c>rnet.pt</c> loads strictly.
/// </summary>
public sealed class RNet : nn.Module<Tensor, (Tensor Regression, Tensor Probabilities)>
{
    // Field names are the state-dict keys of facenet-pytorch's RNet.
    private readonly Conv2d conv1;
    private readonly PReLU prelu1;
    private readonly MaxPool2d pool1;
    private readonly Conv2d conv2;
    private readonly PReLU prelu2;
    private readonly MaxPool2d pool2;
    private readonly Conv2d conv3;
    private readonly PReLU prelu3;
    private readonly Linear dense4;
    private readonly PReLU prelu4;
    private readonly Linear dense5_1;
    private readonly Softmax softmax5_1;
    private readonly Linear dense5_2;

    /// <summary>Creates the network with untrained weights; load a state dict before use.</summary>
    public RNet() : base(nameof(RNet))
    {
        Nnpack.EnsureConfigured(); // libtorch would warn on every convolution where NNPACK is unsupported
        conv1 = nn.Conv2d(3, 28, kernel_size: 3);
        prelu1 = nn.PReLU(28);
        pool1 = nn.MaxPool2d(3, 2, ceil_mode: true);
        conv2 = nn.Conv2d(28, 48, kernel_size: 3);
        prelu2 = nn.PReLU(48);
        pool2 = nn.MaxPool2d(3, 2, ceil_mode: true);
        conv3 = nn.Conv2d(48, 64, kernel_size: 2);
        prelu3 = nn.PReLU(64);
        dense4 = nn.Linear(576, 128);
        prelu4 = nn.PReLU(128);
        dense5_1 = nn.Linear(128, 2);
        softmax5_1 = nn.Softmax(dim: 1);
        dense5_2 = nn.Linear(128, 4);
        RegisterComponents();
        eval();
    }

    /// <summary>Runs the network on normalized 24×24 crops.</summary>
    /// <param name="input">[N, 3, 24, 24] float32, values <c>(x − 127.5) / 128</c>.</param>
    /// <returns>Box regression [N, 4] and face/non-face probabilities [N, 2].</returns>
    public override (Tensor Regression, Tensor Probabilities) forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = PReluMaxPool.Apply(conv1.call(input), prelu1, pool1); // [N, 28, 11, 11]
        x = PReluMaxPool.Apply(conv2.call(x), prelu2, pool2);            // [N, 48, 4, 4]
        x = prelu3.call(conv3.call(x));                        // [N, 64, 3, 3]
        // The weights were converted from a channels-last framework: flatten in (W, H, C) order as facenet-pytorch does.
        x = x.permute(0, 3, 2, 1).contiguous().view(x.shape[0], -1); // [N, 576]
        x = prelu4.call(dense4.call(x));                       // [N, 128]
        Tensor probabilities = softmax5_1.call(dense5_1.call(x)); // [N, 2]
        Tensor regression = dense5_2.call(x);                  // [N, 4]
        return (regression.MoveToOuterDisposeScope(), probabilities.MoveToOuterDisposeScope());
    }
}
