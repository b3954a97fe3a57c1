using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Recognition;

/// <summary>
/// FaceIdentifier with the random-weight encoder checkpoint: the distances say nothing about people (plumbing only), but
/// they are the encoder's, so which face is found, its distance and the cut-off can be checked against the encoder and the
/// detector used directly.
/// </summary>
[Collection(FaceNetTestGroup.Name)]
public sealed class FaceIdentifierTests
{
    [Fact]
    public async Task Every_face_of_a_photo_is_named_by_the_nearest_enrolled_person_and_unknown_beyond_the_cut_off()
    {
        using var encoder = FaceNetEncoder.FromFile(SharedData.PathOf(FaceNetReference.CheckpointPath));
        using var detector = await MtcnnFaceDetector.CreateAsync(new MtcnnOptions { KeepAll = true }, new ModelStore(SharedData.PathOf("models")));
        using FaceImage group = FaceImage.Load(SharedData.PathOf("fixtures/images/multiface.png"));
        using var gallery = new InMemoryFaceGallery(new GalleryDescriptor(ModelCatalog.VggFace2, encoder.EmbeddingSize, Geometry: encoder.Input.Crop.Name));
        // Enrol the group's first face alone, embedded straight from the detector's crop.
        IReadOnlyList<DetectedFace> found = detector.Detect(group);
        using (FaceCrop first = detector.Extract(group, found[0]))
        using (Tensor firstEmbedding = encoder.Embed(first))
            await gallery.EnrollAsync("first", firstEmbedding);

        IReadOnlyList<IdentifiedFace> open = await new FaceIdentifier(encoder, gallery, detector: detector).IdentifyAsync(group);
        IReadOnlyList<IdentifiedFace> strict = await new FaceIdentifier(encoder, gallery, new GallerySearchOptions { Threshold = 1e-3 }, detector).IdentifyAsync(group);

        open.Select(face => face.Face.Box).Should().Equal(found.Select(face => face.Box), "every face the detector keeps, in its order");
        open.Should().OnlyContain(face => face.Result.Best!.Identity == "first", "without a cut-off the only person is everyone's nearest");
        open[0].Result.Best!.Distance.Should().BeLessThan(1e-5);
        open.Skip(1).Should().OnlyContain(face => face.Result.Best!.Distance > 0.01, "other faces are other embeddings");
        strict[0].Result.Best!.Identity.Should().Be("first");
        strict.Skip(1).Should().OnlyContain(face => face.Result.IsUnknown);
    }

    [Fact]
    public async Task A_crop_is_identified_without_a_detector_and_an_image_without_a_face_gives_no_faces()
    {
        using var encoder = FaceNetEncoder.FromFile(SharedData.PathOf(FaceNetReference.CheckpointPath));
        using var detector = await MtcnnFaceDetector.CreateAsync(new MtcnnOptions(), new ModelStore(SharedData.PathOf("models")));
        using FaceImage portrait = FaceImage.Load(SharedData.PathOf("data/people/obama/obama.jpg"));
        using FaceImage blank = FaceImage.FromRgb(new byte[64 * 64 * 3], 64, 64);
        using var gallery = new InMemoryFaceGallery(new GalleryDescriptor(ModelCatalog.VggFace2, encoder.EmbeddingSize, Geometry: encoder.Input.Crop.Name));
        using FaceCropBatch crops = detector.DetectAndExtract(portrait);
        using (Tensor embedding = encoder.Embed(crops[0]))
            await gallery.EnrollAsync("obama", embedding);
        var withoutDetector = new FaceIdentifier(encoder, gallery, new GallerySearchOptions { Threshold = 0.5 });

        GallerySearchResult result = await withoutDetector.IdentifyAsync(crops[0]);

        result.Best!.Identity.Should().Be("obama");
        result.Best.Distance.Should().BeLessThan(1e-5);
        (await new FaceIdentifier(encoder, gallery, detector: detector).IdentifyAsync(blank)).Should().BeEmpty();
        await FluentActions.Awaiting(() => withoutDetector.IdentifyAsync(portrait)).Should().ThrowAsync<InvalidOperationException>();
        FluentActions.Invoking(() => new FaceIdentifier(encoder, gallery, new GallerySearchOptions { TopK = 0 })).Should().Throw<ArgumentException>();
    }
}
