using FaceEmbeddings.Models.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Mtcnn;

/// <summary>
/// MTCNN's output network: scores 48×48 candidate crops, regresses a box offset and places five facial
/// landmarks. Parameter names and shapes equal facenet-pytorch's <c>ONet</c>, so its <c>onet.pt</c> loads strictly.
/// </summary>
public sealed class ONet : nn.Module<Tensor, (Tensor Regression, Tensor Landmarks, Tensor Probabilities)>
{
    // Field names are the state-dict keys of facenet-pytorch's ONet.
    private readonly Conv2d conv1;
    private readonly PReLU prelu1;
    private readonly MaxPool2d pool1;
    private readonly Conv2d conv2;
    private readonly PReLU prelu2;
    private readonly MaxPool2d pool2;
    private readonly Conv2d conv3;
    private readonly PReLU prelu3;
    private readonly MaxPool2d pool3;
    private readonly Conv2d conv4;
    private readonly PReLU prelu4;
    private readonly Linear dense5;
    private readonly PReLU prelu5;
    private readonly Linear dense6_1;
    private readonly Softmax softmax6_1;
    private readonly Linear dense6_2;
    private readonly Linear dense6_3;

    /// <summary>Creates the network with untrained weights; load a state dict before use.</summary>
    public ONet() : base(nameof(ONet))
    {
        Nnpack.EnsureConfigured(); // libtorch would warn on every convolution where NNPACK is unsupported
        conv1 = nn.Conv2d(3, 32, kernel_size: 3);
        prelu1 = nn.PReLU(32);
        pool1 = nn.MaxPool2d(3, 2, ceil_mode: true);
        conv2 = nn.Conv2d(32, 64, kernel_size: 3);
        prelu2 = nn.PReLU(64);
        pool2 = nn.MaxPool2d(3, 2, ceil_mode: true);
        conv3 = nn.Conv2d(64, 64, kernel_size: 3);
        prelu3 = nn.PReLU(64);
        pool3 = nn.MaxPool2d(2, 2, ceil_mode: true);
        conv4 = nn.Conv2d(64, 128, kernel_size: 2);
        prelu4 = nn.PReLU(128);
        dense5 = nn.Linear(1152, 256);
        prelu5 = nn.PReLU(256);
        dense6_1 = nn.Linear(256, 2);
        softmax6_1 = nn.Softmax(dim: 1);
        dense6_2 = nn.Linear(256, 4);
        dense6_3 = nn.Linear(256, 10);
        RegisterComponents();
        eval();
    }

    /// <summary>Runs the network on normalized 48×48 crops.</summary>
    /// <param name="input">[N, 3, 48, 48] float32, values <c>(x − 127.5) / 128</c>.</param>
    /// <returns>Box regression [N, 4]; landmarks [N, 10] as five x then five y, relative to the crop
    /// (0..1); face/non-face probabilities [N, 2].</returns>
    public override (Tensor Regression, Tensor Landmarks, Tensor Probabilities) forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = PReluMaxPool.Apply(conv1.call(input), prelu1, pool1); // [N, 32, 23, 23]
        x = PReluMaxPool.Apply(conv2.call(x), prelu2, pool2);            // [N, 64, 10, 10]
        x = PReluMaxPool.Apply(conv3.call(x), prelu3, pool3);            // [N, 64, 4, 4]
        x = prelu4.call(conv4.call(x));                        // [N, 128, 3, 3]
        // The weights were converted from a channels-last framework: flatten in (W, H, C) order as facenet-pytorch does.
        x = x.permute(0, 3, 2, 1).contiguous().view(x.shape[0], -1); // [N, 1152]
        x = prelu5.call(dense5.call(x));                       // [N, 256]
        Tensor probabilities = softmax6_1.call(dense6_1.call(x)); // [N, 2]
        Tensor regression = dense6_2.call(x);                  // [N, 4]
        Tensor landmarks = dense6_3.call(x);                   // [N, 10]
        return (regression.MoveToOuterDisposeScope(), landmarks.MoveToOuterDisposeScope(), probabilities.MoveToOuterDisposeScope());
    }
}
