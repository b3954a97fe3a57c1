using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>
/// Where <see cref="FusedInceptionResnetV1"/> leaves the channels-last layout: from Mixed_6a's output on (8×8, then
/// 3×3 grids), float32 batches of two or more faces on the CPU continue in NCHW layout. There the 1×1 convolutions,
/// half of the network's arithmetic, run as oneDNN's NCHW convolution, which is faster on small grids than the
/// matrix products that channels-last activations need (<see cref="ChannelsLast.Pointwise"/>): the encoder ran
/// faster so at batches of 2 to 32 (benchmarks/README.md). A single face and bfloat16 ran slower that way, so they
/// stay channels-last.
/// </summary>
internal sealed class SmallGridLayout : Module<Tensor, Tensor>
{
    private const int MinimumBatch = 2;

    public SmallGridLayout()
        : base(nameof(SmallGridLayout))
    {
    }

    public override Tensor forward(Tensor x) =>
        x.shape[0] >= MinimumBatch && x.dtype == ScalarType.Float32 && x.device_type == DeviceType.CPU ? x.contiguous() : x.alias();
}
