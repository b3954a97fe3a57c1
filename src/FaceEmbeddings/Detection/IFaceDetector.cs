using FaceEmbeddings.Imaging;

namespace FaceEmbeddings.Detection;

/// <summary>Finds faces in images and cuts them out as crops for an encoder.</summary>
public interface IFaceDetector : IDisposable
{
    /// <summary>The crops the detector cuts when not told otherwise; null when it does not say.</summary>
    FaceCropGeometry? Geometry => null;

    /// <summary>Every face in <paramref name="image"/>, largest first; empty when there is none.</summary>
    IReadOnlyList<DetectedFace> Detect(FaceImage image);

    /// <summary>Every face in each image, in the order of <paramref name="images"/>; images may differ in size.</summary>
    IReadOnlyList<IReadOnlyList<DetectedFace>> Detect(IReadOnlyList<FaceImage> images);

    /// <summary>The face that stands for <paramref name="image"/> where one face per image is wanted, among
    /// <paramref name="faces"/> as <see cref="Detect(FaceImage)"/> found them; null when none qualifies. The default takes
    /// the first, the largest.</summary>
    DetectedFace? SelectFace(FaceImage image, IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        return faces.Count == 0 ? null : faces[0];
    }

    /// <summary>Cuts <paramref name="face"/> out of <paramref name="image"/> as a square crop, which the caller owns.</summary>
    FaceCrop Extract(FaceImage image, DetectedFace face);

    /// <summary>Cuts <paramref name="face"/> out of <paramref name="image"/> with <paramref name="geometry"/> (an encoder's
    /// <c>Input.Crop</c>) instead of the detector's own settings. The caller owns the crop.</summary>
    FaceCrop Extract(FaceImage image, DetectedFace face, FaceCropGeometry geometry);

    /// <summary>Detects and crops the faces of <paramref name="image"/>: every face or only the selected one,
    /// as the detector is configured; empty when there is none. The caller owns the batch and disposes it.</summary>
    FaceCropBatch DetectAndExtract(FaceImage image);

    /// <summary>Detects and crops the faces of each image, as <see cref="DetectAndExtract(FaceImage)"/> does for one,
    /// into one batch (<see cref="FaceCropBatch.OfImage"/> gives each image's crops, in the order of
    /// <paramref name="images"/>). Detectors that can process several images at once override this; the default handles
    /// them one by one. The caller owns the batch and disposes it.</summary>
    FaceCropBatch DetectAndExtract(IReadOnlyList<FaceImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return DetectAndExtract(images, null);
    }

    /// <summary>Detects the faces of each image as <see cref="DetectAndExtract(IReadOnlyList{FaceImage})"/> does and cuts
    /// them with <paramref name="geometry"/> (an encoder's <c>Input.Crop</c>), or with the detector's own settings when it
    /// is null. The default handles the images one by one. The caller owns the batch and disposes it.</summary>
    FaceCropBatch DetectAndExtract(IReadOnlyList<FaceImage> images, FaceCropGeometry? geometry)
    {
        ArgumentNullException.ThrowIfNull(images);
        var perImage = new List<IReadOnlyList<FaceCrop>>(images.Count);
        try
        {
            foreach (FaceImage image in images)
            {
                if (geometry is null)
                {
                    using FaceCropBatch crops = DetectAndExtract(image);
                    perImage.Add(crops.Release().SelectMany(ofImage => ofImage).ToArray());
                }
                else
                {
                    var recut = new List<FaceCrop>();
                    perImage.Add(recut);
                    using FaceCropBatch crops = DetectAndExtract(image);
                    foreach (FaceCrop crop in crops)
                        recut.Add(Extract(image, crop.Face, geometry));
                }
            }
        }
        catch
        {
            foreach (FaceCrop crop in perImage.SelectMany(crops => crops)) crop.Dispose();
            throw;
        }
        return new FaceCropBatch(perImage);
    }
}
