using FaceEmbeddings.Imaging;

namespace FaceEmbeddings.Detection;

/// <summary>Finds faces in images and cuts them out as crops for an encoder.</summary>
public interface IFaceDetector : IDisposable
{
    /// <summary>Every face in <paramref name="image"/>, largest first; empty when there is none.</summary>
    IReadOnlyList<DetectedFace> Detect(FaceImage image);

    /// <summary>Every face in each image, in the order of <paramref name="images"/>; images may differ in size.</summary>
    IReadOnlyList<IReadOnlyList<DetectedFace>> Detect(IReadOnlyList<FaceImage> images);

    /// <summary>Cuts <paramref name="face"/> out of <paramref name="image"/> as a square crop.</summary>
    FaceCrop Extract(FaceImage image, DetectedFace face);

    /// <summary>Detects and crops the faces of <paramref name="image"/>: every face or only the selected one,
    /// as the detector is configured; empty when there is none. The caller disposes the crops.</summary>
    IReadOnlyList<FaceCrop> DetectAndExtract(FaceImage image);

    /// <summary>Detects and crops the faces of each image, in the order of <paramref name="images"/>, as
    /// <see cref="DetectAndExtract(FaceImage)"/> does for one. Detectors that can process several images at once
    /// override this; the default handles them one by one. The caller disposes the crops.</summary>
    IReadOnlyList<IReadOnlyList<FaceCrop>> DetectAndExtract(IReadOnlyList<FaceImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.Select(DetectAndExtract).ToList();
    }
}
