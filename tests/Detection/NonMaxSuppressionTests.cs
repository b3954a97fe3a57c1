using FaceEmbeddings.Detection;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Detection;

public class NonMaxSuppressionTests
{
    // A (0,0)-(10,10) and B (1,1)-(11,11): intersection 81, union 119, IoU 0.68. C lies apart.
    private static readonly float[,] Boxes = { { 0, 0, 10, 10 }, { 1, 1, 11, 11 }, { 20, 20, 30, 30 } };
    private static readonly float[] Scores = { 0.9f, 0.8f, 0.95f };

    [Fact]
    public void Overlapping_lower_scores_are_suppressed_and_the_rest_come_back_by_decreasing_score()
    {
        Keep(Boxes, Scores, new long[] { 0, 0, 0 }, 0.5f, OverlapMeasure.IntersectionOverUnion).Should().Equal(2, 0);
        Keep(Boxes, Scores, new long[] { 0, 0, 0 }, 0.7f, OverlapMeasure.IntersectionOverUnion).Should().Equal(2, 0, 1);
    }

    [Fact]
    public void Boxes_of_different_groups_never_suppress_each_other()
    {
        Keep(Boxes, Scores, new long[] { 0, 1, 0 }, 0.5f, OverlapMeasure.IntersectionOverUnion).Should().Equal(2, 0, 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Interleaved_groups_give_each_groups_own_result_merged_by_decreasing_score(bool laterBoxesWinTies)
    {
        // 300 random boxes of 3 images, interleaved as a batch's candidates are; scores on a coarse grid so that
        // ties occur. Each group alone must keep what it keeps in the batch, and the batch lists all by score.
        var random = new Random(5);
        const int count = 300;
        var boxes = new float[count, 4];
        var scores = new float[count];
        var groups = new long[count];
        for (int i = 0; i < count; i++)
        {
            float x = random.Next(0, 60), y = random.Next(0, 60), size = random.Next(5, 30);
            boxes[i, 0] = x; boxes[i, 1] = y; boxes[i, 2] = x + size; boxes[i, 3] = y + size;
            scores[i] = random.Next(0, 20) / 20f;
            groups[i] = random.Next(0, 3);
        }

        long[] batched = Keep(boxes, scores, groups, 0.5f, OverlapMeasure.IntersectionOverUnion, laterBoxesWinTies);

        var expected = new List<long>();
        for (long g = 0; g < 3; g++)
        {
            int[] members = Enumerable.Range(0, count).Where(i => groups[i] == g).ToArray();
            var own = new float[members.Length, 4];
            for (int k = 0; k < members.Length; k++)
                for (int c = 0; c < 4; c++) own[k, c] = boxes[members[k], c];
            long[] keptAlone = Keep(own, members.Select(i => scores[i]).ToArray(), new long[members.Length], 0.5f, OverlapMeasure.IntersectionOverUnion, laterBoxesWinTies);
            expected.AddRange(keptAlone.Select(k => (long)members[k]));
        }
        expected.Sort((a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : laterBoxesWinTies ? b.CompareTo(a) : a.CompareTo(b));

        batched.Should().Equal(expected);
        batched.Length.Should().BeLessThan(count, "the random boxes overlap, so some are suppressed");
    }

    [Fact]
    public void Minimum_overlap_counts_pixels_inclusively_and_divides_by_the_smaller_box()
    {
        // Inclusive areas: outer 10×10 = 100, inner 4×4 = 16, all inside: overlap 16 / 16 = 1 by "Min",
        // 16 / 100 = 0.16 as IoU (continuous areas 81 and 9: 9 / 81 = 0.11).
        float[,] nested = { { 0, 0, 9, 9 }, { 2, 2, 5, 5 } };
        float[] scores = { 0.9f, 0.8f };
        Keep(nested, scores, new long[] { 0, 0 }, 0.7f, OverlapMeasure.IntersectionOverMinimum).Should().Equal(0);
        Keep(nested, scores, new long[] { 0, 0 }, 0.7f, OverlapMeasure.IntersectionOverUnion).Should().Equal(0, 1);

        // Touching edges: continuous boxes do not intersect, inclusive pixel boxes share a column.
        float[,] touching = { { 0, 0, 9, 9 }, { 9, 0, 18, 9 } };
        Keep(touching, scores, new long[] { 0, 0 }, 0.05f, OverlapMeasure.IntersectionOverMinimum).Should().Equal(0);
        Keep(touching, scores, new long[] { 0, 0 }, 0.05f, OverlapMeasure.IntersectionOverUnion).Should().Equal(0, 1);
    }

    [Fact]
    public void Ties_go_to_the_earlier_box_or_on_request_to_the_later_one()
    {
        float[] tied = { 1f, 1f, 0.95f };
        Keep(Boxes, tied, new long[] { 0, 0, 0 }, 0.5f, OverlapMeasure.IntersectionOverUnion).Should().Equal(0, 2);
        Keep(Boxes, tied, new long[] { 0, 0, 0 }, 0.5f, OverlapMeasure.IntersectionOverUnion, laterBoxesWinTies: true).Should().Equal(1, 2);
    }

    [Fact]
    public void No_boxes_give_no_indices()
    {
        Keep(new float[0, 4], Array.Empty<float>(), Array.Empty<long>(), 0.5f, OverlapMeasure.IntersectionOverUnion).Should().BeEmpty();
    }

    private static long[] Keep(float[,] boxes, float[] scores, long[] groups, float threshold, OverlapMeasure measure, bool laterBoxesWinTies = false)
    {
        using var scope = NewDisposeScope();
        Tensor kept = NonMaxSuppression.Keep(
            tensor(boxes.Cast<float>().ToArray(), new long[] { boxes.GetLength(0), 4 }),
            tensor(scores), tensor(groups), threshold, measure, laterBoxesWinTies);
        return kept.data<long>().ToArray();
    }
}
