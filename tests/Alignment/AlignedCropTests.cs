using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Detection;
using FaceEmbeddings.Tests.FaceApi;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Alignment;

public class AlignedCropTests(MtcnnFixture fixture) : IClassFixture<MtcnnFixture>
{
    private static readonly FaceCropGeometry Aligned = new(150, 0, FaceAlignment.DlibMeanFace);

    [Theory]
    [InlineData("angelina_jolie")]
    [InlineData("paul_rudd")]
    public void The_landmarks_of_an_aligned_chip_land_on_the_template(string name)
    {
        FaceImage image = fixture.Image(name);
        DetectedFace face = fixture.Detections(name)[0];

        using FaceCrop chip = fixture.Detector().Extract(image, face, Aligned);
        // MTCNN wants some context around a face: the chip is placed in the middle of a grey canvas twice its size.
        using FaceImage canvas = OnCanvas(chip.ToRgbBytes(), 150, out int offset);
        DetectedFace again = fixture.Detector().Detect(canvas).MaxBy(found => found.Box.Area)!;

        chip.Geometry.Should().Be(Aligned);
        chip.Size.Should().Be(150);
        (double X, double Y)[] template = FaceAlignment.DlibMeanFace.TemplateIn(150).ToArray();
        for (int i = 0; i < 5; i++)
        {
            // MTCNN on the chip finds the eyes within a few pixels of where the alignment put them; the nose and mouth of
            // a face turned aside cannot all sit on a frontal template, so they get more room.
            float tolerance = i < 2 ? 5f : 10f;
            (again.Landmarks[i].X - offset).Should().BeApproximately((float)template[i].X, tolerance, $"landmark {i} of {name}");
            (again.Landmarks[i].Y - offset).Should().BeApproximately((float)template[i].Y, tolerance, $"landmark {i} of {name}");
        }
    }

    private static FaceImage OnCanvas(byte[] chip, int size, out int offset)
    {
        int side = 2 * size;
        offset = size / 2;
        var canvas = Enumerable.Repeat((byte)128, side * side * 3).ToArray();
        for (int y = 0; y < size; y++)
            Array.Copy(chip, y * size * 3, canvas, ((y + offset) * side + offset) * 3, size * 3);
        return FaceImage.FromRgb(canvas, side, side);
    }

    [Fact]
    public void Every_face_of_an_image_is_cut_in_one_batch_as_each_is_cut_alone()
    {
        FaceImage image = fixture.Image("multiface");
        IReadOnlyList<DetectedFace> faces = fixture.Detections("multiface");
        MtcnnFaceDetector detector = fixture.Detector();

        using FaceCropBatch together = detector.Extract(image, faces, Aligned);

        together.Count.Should().Be(faces.Count);
        for (int i = 0; i < faces.Count; i++)
        {
            using FaceCrop alone = detector.Extract(image, faces[i], Aligned);
            together[i].Pixels.data<float>().ToArray().Should().Equal(alone.Pixels.data<float>().ToArray(), $"face {i}");
        }
    }

    [Fact]
    public void A_detector_set_up_by_an_aligned_encoder_cuts_aligned_chips_and_the_unaligned_default_stays_facenet_pytorchs()
    {
        FaceEncoderInput input = FaceApiEncoder.InputFor(new FaceApiEncoderOptions());
        MtcnnOptions options = input.ApplyTo(new MtcnnOptions { KeepAll = true });
        options.Alignment.Should().Be(FaceAlignment.DlibMeanFace);
        options.Geometry.Name.Should().Be("dlib-mean-face-150px-pad0.25");
        new MtcnnOptions().Geometry.Should().Be(new FaceCropGeometry(160, 0, null));
        FaceApiEncoder.InputFor(new FaceApiEncoderOptions { Alignment = null }).Crop.Name.Should().Be(FaceCropGeometry.UnalignedName);
        new FaceNetEncoderOptions().Alignment.Should().BeNull("FaceNet keeps facenet-pytorch's crops by default");

        using FaceCropBatch crops = fixture.Detector(options).DetectAndExtract(fixture.Image("multiface"));
        crops.Should().OnlyContain(crop => crop.Geometry == options.Geometry && crop.Size == 150);
    }

    [Fact]
    public void An_encoder_refuses_crops_of_another_alignment_naming_both()
    {
        using FaceApiEncoder encoder = FaceApiEncoder.FromFile(SharedData.PathOf(FaceApiReference.ManifestPath));
        using FaceCropBatch unaligned = fixture.Detector().DetectAndExtract(fixture.Image("angelina_jolie"));

        FluentActions.Invoking(() => encoder.Embed(unaligned)).Should().Throw<CropGeometryMismatchException>()
            .Where(e => e.Expected.Alignment == FaceAlignment.DlibMeanFace && e.Actual.Alignment == null)
            .WithMessage("*160×160 box crop*150×150 chip aligned to dlib-mean-face*");

        using FaceApiEncoder unalignedEncoder = FaceApiEncoder.FromFile(SharedData.PathOf(FaceApiReference.ManifestPath), new FaceApiEncoderOptions { Alignment = null });
        using var scope = NewDisposeScope();
        unalignedEncoder.Embed(unaligned).shape.Should().Equal(1, 128);
    }

    [Fact]
    public void A_face_without_usable_landmarks_is_refused_by_name()
    {
        FaceImage image = fixture.Image("angelina_jolie");
        DetectedFace face = fixture.Detections("angelina_jolie")[0] with { Landmarks = Enumerable.Repeat(new FacePoint(5, 5), 5).ToArray() };
        FluentActions.Invoking(() => fixture.Detector().Extract(image, face, Aligned)).Should().Throw<ArgumentException>().WithParameterName("landmarks");
    }
}
