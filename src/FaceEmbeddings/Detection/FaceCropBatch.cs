using System.Collections;

namespace FaceEmbeddings.Detection;

/// <summary>
/// The face crops a detector cut out of one image or of a batch of images, in image order: one disposable result.
/// Owns every crop: dispose the batch (a <c>using</c> declaration) to free them all, even when an exception leaves
/// the block early. The crops must not be disposed one by one.
/// </summary>
/// <example>
/// <code>
/// using FaceCropBatch crops = detector.DetectAndExtract(image);
/// using Tensor embeddings = encoder.Embed(crops);
/// </code>
/// </example>
public sealed class FaceCropBatch : IReadOnlyList<FaceCrop>, IDisposable
{
    private readonly FaceCrop[] crops;
    private readonly int[] starts;
    private bool disposed;

    /// <summary>Takes ownership of the crops of each image, in order.</summary>
    /// <param name="cropsPerImage">For each image, its crops; an image without faces has an empty list.</param>
    /// <exception cref="ArgumentException">A list or a crop is null.</exception>
    public FaceCropBatch(IReadOnlyList<IReadOnlyList<FaceCrop>> cropsPerImage)
    {
        ArgumentNullException.ThrowIfNull(cropsPerImage);
        starts = new int[cropsPerImage.Count + 1];
        var crops = new List<FaceCrop>();
        for (int image = 0; image < cropsPerImage.Count; image++)
        {
            IReadOnlyList<FaceCrop> ofImage = cropsPerImage[image]
                ?? throw new ArgumentException($"The crops of image {image} are null.", nameof(cropsPerImage));
            foreach (FaceCrop crop in ofImage)
                crops.Add(crop ?? throw new ArgumentException($"Image {image} has a null crop.", nameof(cropsPerImage)));
            starts[image + 1] = crops.Count;
        }
        this.crops = crops.ToArray();
    }

    /// <summary>How many images the batch covers (1 for <see cref="IFaceDetector.DetectAndExtract(Imaging.FaceImage)"/>).</summary>
    public int ImageCount => starts.Length - 1;

    /// <summary>How many crops the batch holds, over all images.</summary>
    public int Count => Crops.Length;

    /// <summary>The crop at <paramref name="index"/>, counting over all images in order.</summary>
    public FaceCrop this[int index] => Crops[index];

    /// <summary>The crops of image <paramref name="image"/> (in the order of the detector's input), still owned by the batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="image"/> is not an image of the batch.</exception>
    public IReadOnlyList<FaceCrop> OfImage(int image)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(image);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(image, ImageCount);
        return new ArraySegment<FaceCrop>(Crops, starts[image], starts[image + 1] - starts[image]);
    }

    /// <inheritdoc />
    public IEnumerator<FaceCrop> GetEnumerator() => ((IEnumerable<FaceCrop>)Crops).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Frees every crop.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (FaceCrop crop in crops)
            crop.Dispose();
    }

    /// <summary>Hands every crop of every image over to the caller, who then owns them; the batch frees none afterwards.</summary>
    internal IReadOnlyList<FaceCrop>[] Release()
    {
        var perImage = Enumerable.Range(0, ImageCount).Select(image => (IReadOnlyList<FaceCrop>)OfImage(image).ToArray()).ToArray();
        disposed = true;
        return perImage;
    }

    private FaceCrop[] Crops
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return crops;
        }
    }
}
