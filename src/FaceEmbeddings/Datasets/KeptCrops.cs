using FaceEmbeddings.Detection;
using static TorchSharp.torch;

namespace FaceEmbeddings.Datasets;

/// <summary>
/// The crops an embedding set keeps (<see cref="FaceDatasetOptions.KeepCrop"/>): each is copied as 3×S×S uint8 on the
/// CPU (a quarter of the float crop) as it comes, and all are stacked once at the end. Owns the copies until then.
/// </summary>
internal sealed class KeptCrops : IDisposable
{
    private readonly List<Tensor> pixels = [];
    private readonly List<int> rows = [];

    /// <summary>Keeps a copy of <paramref name="crop"/> (which stays the caller's) as the crop of face <paramref name="row"/>.</summary>
    public void Add(FaceCrop crop, int row)
    {
        using (NewDisposeScope())
            pixels.Add(crop.ToByteTensor().to(CPU).DetachFromDisposeScope()); // [3, S, S]
        rows.Add(row);
    }

    /// <summary>The kept crops as one M×3×S×S uint8 tensor (null when none), which the caller owns, and their rows.</summary>
    public (Tensor? Crops, int[] Rows) Stack()
    {
        if (pixels.Count == 0) return (null, []);
        using var scope = NewDisposeScope();
        return (stack(pixels).DetachFromDisposeScope(), rows.ToArray());
    }

    /// <summary>Frees the copies (the stacked tensor, once made, is the caller's).</summary>
    public void Dispose()
    {
        foreach (Tensor crop in pixels)
            crop.Dispose();
    }
}
