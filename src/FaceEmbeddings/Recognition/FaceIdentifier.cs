using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using static TorchSharp.torch;

namespace FaceEmbeddings.Recognition;

/// <summary>
/// 1:N identification: who, among the people of a gallery, is each face? Embeds faces with the gallery's encoder and
/// searches the gallery with one set of <see cref="GallerySearchOptions"/> (how many people per face, the distance
/// beyond which a face is unknown). What <c>faceembed identify</c> and the sample service's <c>/identify</c> run.
/// </summary>
public sealed class FaceIdentifier
{
    private readonly IFaceEncoder encoder;
    private readonly IFaceGallery gallery;
    private readonly IFaceDetector? detector;

    /// <summary>Creates an identifier.</summary>
    /// <param name="encoder">Embeds the faces; the gallery's model.</param>
    /// <param name="gallery">The people to name.</param>
    /// <param name="options">How many people per face and the cut-off; the nearest person, without a cut-off, when null.
    /// Without a cut-off no face is ever unknown: give one (<see cref="VerificationThreshold.ForModel"/>) for real use.</param>
    /// <param name="detector">Finds the faces of whole images (<see cref="IdentifyAsync(FaceImage, CancellationToken)"/>); not needed for crops.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> are out of range.</exception>
    public FaceIdentifier(IFaceEncoder encoder, IFaceGallery gallery, GallerySearchOptions? options = null, IFaceDetector? detector = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(gallery);
        options ??= new GallerySearchOptions();
        options.Validate();
        this.encoder = encoder;
        this.gallery = gallery;
        this.detector = detector;
        Options = options;
    }

    /// <summary>The search's settings.</summary>
    public GallerySearchOptions Options { get; }

    /// <summary>Who the face of <paramref name="crop"/> is.</summary>
    /// <param name="crop">A face cut as the encoder expects.</param>
    /// <param name="cancellationToken">Stops the search.</param>
    /// <returns>The nearest people within the cut-off, nearest first; none when the face is unknown.</returns>
    public async Task<GallerySearchResult> IdentifyAsync(FaceCrop crop, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crop);
        // Owned by using, not by a dispose scope: a scope would stay current on this thread across the await.
        using Tensor embedding = encoder.Embed(crop); // [D]
        IReadOnlyList<GallerySearchResult> found = await gallery.SearchAsync(embedding, Options, cancellationToken).ConfigureAwait(false);
        return found[0];
    }

    /// <summary>Finds every face of <paramref name="image"/> the detector keeps and says who each is.</summary>
    /// <param name="image">The photo.</param>
    /// <param name="cancellationToken">Stops the search.</param>
    /// <returns>Each face with its result, in the detector's order; empty when the photo has no face.</returns>
    /// <exception cref="InvalidOperationException">The identifier was made without a detector.</exception>
    public async Task<IReadOnlyList<IdentifiedFace>> IdentifyAsync(FaceImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (detector is null)
            throw new InvalidOperationException("Identifying the faces of an image needs a face detector: pass one to the FaceIdentifier constructor.");
        using FaceCropBatch crops = detector.DetectAndExtract([image], encoder.Input.CropFor(detector.Geometry));
        if (crops.Count == 0)
            return [];
        // Owned by using, not by a dispose scope: a scope would stay current on this thread across the await.
        using Tensor embeddings = encoder.Embed(crops); // [N, D]
        IReadOnlyList<GallerySearchResult> found = await gallery.SearchAsync(embeddings, Options, cancellationToken).ConfigureAwait(false);
        return crops.Select((crop, i) => new IdentifiedFace(crop.Face, found[i])).ToList();
    }
}

/// <summary>A face found in a photo and who it is.</summary>
/// <param name="Face">Where the detector found it.</param>
/// <param name="Result">The nearest people within the cut-off; none when the face is unknown.</param>
public sealed record IdentifiedFace(DetectedFace Face, GallerySearchResult Result);
