using FaceEmbeddings.Detection;
using FaceEmbeddings.Recognition;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Alignment;

public class GalleryGeometryTests
{
    private static readonly string AlignedName = new FaceCropGeometry(150, 0, FaceAlignment.DlibMeanFace).Name;

    [Fact]
    public async Task A_gallery_of_aligned_embeddings_refuses_to_open_for_unaligned_ones_naming_both()
    {
        string path = Path.Combine(Path.GetTempPath(), $"geometry-{Guid.NewGuid():N}.gallery");
        try
        {
            var alignedDescriptor = new GalleryDescriptor("face-api-resnet", 4, Geometry: AlignedName);
            using (var gallery = new InMemoryFaceGallery(alignedDescriptor))
            using (Tensor face = tensor(new float[] { 1, 0, 0, 0 }, new long[] { 1, 4 }))
            {
                await gallery.EnrollAsync("ada", face);
                await gallery.SaveAsync(path);
            }

            using (InMemoryFaceGallery reopened = await InMemoryFaceGallery.LoadAsync(path, alignedDescriptor))
                reopened.Descriptor.Geometry.Should().Be("dlib-mean-face-150px-pad0.25");

            var unaligned = alignedDescriptor with { Geometry = FaceCropGeometry.UnalignedName };
            (await FluentActions.Awaiting(() => InMemoryFaceGallery.LoadAsync(path, unaligned)).Should().ThrowAsync<GalleryDescriptorMismatchException>())
                .WithMessage("*dlib-mean-face-150px-pad0.25 crops*unaligned crops*");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Descriptors_default_to_unaligned_crops_as_galleries_made_before_alignment()
    {
        new GalleryDescriptor("vggface2", 512).Geometry.Should().Be(FaceCropGeometry.UnalignedName);
        FluentActions.Invoking(() => new GalleryDescriptor("vggface2", 512, Geometry: " ").Validate()).Should().Throw<ArgumentException>().WithParameterName("Geometry");
    }
}
