using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Detection;

/// <summary><see cref="MtcnnOptions.MaxBatchPixels"/>: batches of large images are split by pixels, with the results of
/// one image at a time.</summary>
public sealed class MtcnnBatchPixelsTests : IClassFixture<MtcnnFixture>
{
    private const int FrameWidth = 1920, FrameHeight = 1080;
    private const long FramePixels = (long)FrameWidth * FrameHeight;

    private readonly MtcnnFixture _fixture;

    public MtcnnBatchPixelsTests(MtcnnFixture fixture) => _fixture = fixture;

    [Fact]
    public void A_batch_of_large_images_is_split_by_pixels_and_each_image_gets_its_faces()
    {
        // Three full-HD frames, each with a different portrait at a different place, and a smaller image between them:
        // a budget of two frames cuts the frames' pyramid batch in two: images 0 and 2 together, then image 3.
        FaceImage portrait = _fixture.Image("paul_rudd");
        FaceImage[] frames =
        [
            Frame("kate_siegel", left: 100, top: 150),
            Frame("angelina_jolie", left: 1150, top: 40),
            Frame("shea_whigham", left: 600, top: 250),
        ];
        FaceImage[] images = [frames[0], portrait, frames[1], frames[2]];
        using MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(new MtcnnOptions { MaxBatchPixels = 2 * FramePixels });
        try
        {
            IReadOnlyList<IReadOnlyList<DetectedFace>> batched = detector.Detect(images);

            // Exactly what the two sub-batches give when passed in by hand (within the budget, so not split again).
            IReadOnlyList<IReadOnlyList<DetectedFace>> firstTwo = detector.Detect([frames[0], frames[1]]);
            IReadOnlyList<IReadOnlyList<DetectedFace>> expected = [firstTwo[0], detector.Detect(portrait), firstTwo[1], detector.Detect(frames[2])];
            batched.Should().HaveCount(images.Length);
            for (int i = 0; i < images.Length; i++)
            {
                expected[i].Should().NotBeEmpty($"image {i} holds a portrait");
                batched[i].Select(face => (face.Box, face.Probability)).Should().Equal(expected[i].Select(face => (face.Box, face.Probability)), $"image {i}");
                batched[i].SelectMany(face => face.Landmarks).Should().Equal(expected[i].SelectMany(face => face.Landmarks), $"image {i}");
            }

            // The frames that shared a pass give what each gives alone, up to float32 rounding (networks run over a batch
            // can differ in the last bits); the other two were alone already.
            foreach (int i in new[] { 0, 2 })
            {
                IReadOnlyList<DetectedFace> alone = detector.Detect(images[i]);
                batched[i].Should().HaveSameCount(alone);
                for (int face = 0; face < alone.Count; face++)
                {
                    BoundingBox a = batched[i][face].Box, b = alone[face].Box;
                    new[] { a.X1 - b.X1, a.Y1 - b.Y1, a.X2 - b.X2, a.Y2 - b.Y2 }.Should().OnlyContain(d => Math.Abs(d) < 1e-2f, $"image {i}");
                    batched[i][face].Probability.Should().BeApproximately(alone[face].Probability, 1e-5f);
                }
            }
            // Each frame's face is where its portrait was placed, so no frame got another frame's results.
            batched[0][0].Box.X1.Should().BeInRange(100, 100 + 558);
            batched[2][0].Box.X1.Should().BeInRange(1150, 1150 + 650);
            batched[3][0].Box.X1.Should().BeInRange(600, 600 + 800);
        }
        finally
        {
            foreach (FaceImage frame in frames) frame.Dispose();
        }
    }

    [Fact]
    public void An_image_larger_than_the_budget_is_still_detected_alone()
    {
        using MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(new MtcnnOptions { MaxBatchPixels = 1000 });
        FaceImage[] images = [_fixture.Image("kate_siegel"), _fixture.Image("blank"), _fixture.Image("kate_siegel")];

        IReadOnlyList<IReadOnlyList<DetectedFace>> found = detector.Detect(images);

        IReadOnlyList<DetectedFace> expected = _fixture.Detections("kate_siegel");
        found[0].Select(face => face.Box).Should().Equal(expected.Select(face => face.Box));
        found[1].Should().BeEmpty();
        found[2].Select(face => face.Box).Should().Equal(expected.Select(face => face.Box));
    }

    [Fact]
    public void Repeated_split_batches_do_not_grow_the_live_tensor_count()
    {
        // No worker threads: every tensor is made on this thread, which the live-tensor count is per.
        using MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(new MtcnnOptions
        {
            KeepAll = true, WorkerThreads = 0, MaxBatchPixels = 2L * 279 * 400,
        });
        using FaceImage small = PhotoSizes.Resized(_fixture.Image("kate_siegel"), 279, 400);
        FaceImage[] images = [small, small, small]; // split into [small, small] and [small]
        detector.Detect(images);
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (int i = 0; i < 2; i++)
            detector.Detect(images).Should().HaveCount(3).And.OnlyContain(faces => faces.Count == 1);

        TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }

    [Fact]
    public void The_default_budget_keeps_a_batch_of_32_UTKFace_images_whole_and_splits_32_full_HD_frames()
    {
        long utkFaceBatch = 32L * 200 * 200;
        MtcnnOptions.DefaultMaxBatchPixels.Should().BeGreaterThanOrEqualTo(utkFaceBatch, "the README's main job is not split");
        MtcnnOptions.DefaultMaxBatchPixels.Should().BeLessThan(32 * FramePixels, "32 full-HD frames are not one batch");
        new MtcnnOptions().MaxBatchPixels.Should().Be(MtcnnOptions.DefaultMaxBatchPixels);
    }

    /// <summary>A 1920×1080 frame on a grey gradient with the fixture portrait <paramref name="portrait"/> pasted at
    /// (<paramref name="left"/>, <paramref name="top"/>).</summary>
    private FaceImage Frame(string portrait, int left, int top)
    {
        FaceImage source = _fixture.Image(portrait);
        byte[] rgb = new byte[FramePixels * 3];
        for (int y = 0; y < FrameHeight; y++)
        for (int x = 0; x < FrameWidth; x++)
        {
            int at = (y * FrameWidth + x) * 3;
            rgb[at] = rgb[at + 1] = rgb[at + 2] = (byte)(60 + (x + y) * 120 / (FrameWidth + FrameHeight));
        }
        for (int y = 0; y < source.Height; y++)
            Array.Copy(source.Rgb, y * source.Width * 3, rgb, ((top + y) * FrameWidth + left) * 3, source.Width * 3);
        return FaceImage.FromRgb(rgb, FrameWidth, FrameHeight);
    }
}
