using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceNet;

/// <summary>
/// Channels-last (NHWC) memory layout for 4-D tensors, with the logical NCHW shape unchanged. libtorch's CPU
/// convolutions (oneDNN) run this network about 1.7× faster on channels-last activations and weights than on NCHW
/// ones, and every operation of the fused network keeps the layout of its input. TorchSharp has no
/// <c>memory_format</c> argument, so the layout is made by permuting, copying and permuting back.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>A channels-last copy of <paramref name="x"/> (N×C×H×W), or <paramref name="x"/> itself when it already is one.</summary>
    public static Tensor Of(Tensor x) =>
        x.permute(0, 2, 3, 1).is_contiguous() ? x : x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
}
