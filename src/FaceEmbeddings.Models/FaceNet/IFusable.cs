using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>
/// A part of <see cref="InceptionResnetV1"/> that can build its inference-only counterpart, with every batch
/// norm folded into the convolution before it. The counterpart owns copies of the weights: later changes to
/// this module do not reach it.
/// </summary>
internal interface IFusable
{
    /// <summary>Builds the folded counterpart on the device and in the element type of this module's weights.</summary>
    Module<Tensor, Tensor> Fuse();

    /// <summary>Fuses every child of <paramref name="sequence"/>, keeping their order.</summary>
    static Sequential FuseEach(Sequential sequence) =>
        Sequential(sequence.children().Select(child => ((IFusable)child).Fuse()).ToArray());
}
