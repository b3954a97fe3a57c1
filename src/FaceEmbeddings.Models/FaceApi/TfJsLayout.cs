using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>
/// face-api's TF.js weights as a PyTorch state dict: names with <c>/</c> replaced by <c>.</c>, convolution filters from
/// TensorFlow's kH×kW×I×O to PyTorch's O×I×kH×kW, depthwise filters from kH×kW×C×1 to C×1×kH×kW; every other tensor
/// (biases, scales, fully connected weights) as it is.
/// </summary>
internal static class TfJsLayout
{
    /// <summary>The state dict of <paramref name="weights"/>, its tensors views into the caller's current dispose scope.</summary>
    public static Dictionary<string, Tensor> ToStateDict(IReadOnlyDictionary<string, Tensor> weights)
    {
        var stateDict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach ((string name, Tensor tensor) in weights)
        {
            Tensor converted = tensor;
            if (tensor.dim() == 4)
            {
                if (name.EndsWith("/depthwise_filter", StringComparison.Ordinal))
                    converted = tensor.permute(2, 3, 0, 1);
                else if (name.EndsWith("/filters", StringComparison.Ordinal) || name.EndsWith("/pointwise_filter", StringComparison.Ordinal))
                    converted = tensor.permute(3, 2, 0, 1);
            }
            stateDict[name.Replace('/', '.')] = converted;
        }
        return stateDict;
    }
}
