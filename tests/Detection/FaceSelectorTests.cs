using FaceEmbeddings.Detection;

namespace FaceEmbeddings.Tests.Detection;

/// <summary><see cref="FaceSelection.LargestConfident"/>, the library's own rule (facenet-pytorch's four are checked
/// against its output in <see cref="MtcnnDetectionParityTests"/>).</summary>
public sealed class FaceSelectorTests
{
    private static DetectedFace Face(float side, float probability) =>
        new(new BoundingBox(0, 0, side, side), probability, Enumerable.Repeat(new FacePoint(side / 2, side / 2), DetectedFace.LandmarkCount).ToArray());

    private static readonly MtcnnOptions Confident = new() { Selection = FaceSelection.LargestConfident };

    [Fact]
    public void The_largest_confident_face_wins_over_a_larger_doubtful_one()
    {
        DetectedFace hand = Face(100, 0.93f), face = Face(80, 0.9999f), background = Face(30, 0.999f);

        FaceSelector.Select([hand, face, background], Confident, 400, 400).Should().BeSameAs(face);
        FaceSelector.Select([hand, face, background], Confident with { Selection = FaceSelection.Largest }, 400, 400).Should().BeSameAs(hand);
    }

    [Fact]
    public void The_largest_face_is_taken_when_none_is_confident()
    {
        DetectedFace left = Face(65, 0.71f), right = Face(64, 0.73f);

        FaceSelector.Select([right, left], Confident, 200, 200).Should().BeSameAs(left);
        FaceSelector.Select([], Confident, 200, 200).Should().BeNull();
    }

    [Fact]
    public void Confidence_starts_at_the_configured_probability()
    {
        DetectedFace larger = Face(100, 0.8f), smaller = Face(50, 0.9f);

        FaceSelector.Select([larger, smaller], Confident with { ConfidentProbability = 0.9f }, 300, 300).Should().BeSameAs(smaller);
        FaceSelector.Select([larger, smaller], Confident with { ConfidentProbability = 0.91f }, 300, 300).Should().BeSameAs(larger);
    }

    [Fact]
    public void A_confident_probability_outside_zero_to_one_is_refused()
    {
        Action validate = () => (Confident with { ConfidentProbability = 1.5f }).Validate();
        validate.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(MtcnnOptions.ConfidentProbability));
    }
}
