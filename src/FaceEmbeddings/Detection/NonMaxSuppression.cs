using static TorchSharp.torch;

namespace FaceEmbeddings.Detection;

/// <summary>How two boxes' overlap is measured for non-maximum suppression.</summary>
internal enum OverlapMeasure
{
    /// <summary>Intersection over union with continuous areas <c>(x2 − x1)(y2 − y1)</c>, as torchvision's <c>nms</c>.</summary>
    IntersectionOverUnion,

    /// <summary>Intersection over the smaller box, counting pixels inclusively (<c>x2 − x1 + 1</c>), as
    /// facenet-pytorch's final numpy NMS with method <c>"Min"</c>.</summary>
    IntersectionOverMinimum,
}

/// <summary>
/// Greedy non-maximum suppression, independently within each group of boxes (torchvision's
/// <c>batched_nms</c>): in order of decreasing score, a box is kept unless it overlaps a kept box of its group
/// by more than the threshold.
/// </summary>
/// <remarks>
/// Greedy suppression is sequential by nature (each decision depends on the earlier ones), which is why
/// torchvision runs it as a scalar loop too. The boxes are copied out of the tensors once, suppressed in a
/// tight loop, and the kept indices go back as one tensor; there is no native call per box.
/// </remarks>
internal static class NonMaxSuppression
{
    /// <summary>Indices of the kept boxes, by decreasing score.</summary>
    /// <param name="boxes">[K, 4] float32 boxes (x1, y1, x2, y2).</param>
    /// <param name="scores">[K] float32 scores.</param>
    /// <param name="groups">[K] int64 group of each box; boxes of different groups never suppress each other.</param>
    /// <param name="threshold">Overlap above which the lower-scoring box is suppressed.</param>
    /// <param name="measure">How overlap is measured.</param>
    /// <param name="laterBoxesWinTies">Among equal scores, visit later boxes first, as facenet-pytorch's numpy NMS
    /// does (a stable ascending argsort read from the end); otherwise earlier boxes first, as torchvision's stable
    /// sort does. Ties are common: O-Net probabilities of clear faces saturate at exactly 1 in float32.</param>
    /// <returns>[k] int64 indices into the inputs, on the inputs' device.</returns>
    public static Tensor Keep(Tensor boxes, Tensor scores, Tensor groups, float threshold, OverlapMeasure measure, bool laterBoxesWinTies = false)
    {
        int count = (int)boxes.shape[0];
        if (count == 0) return empty(0, ScalarType.Int64, device: boxes.device);

        float[] box = ToArray<float>(boxes);
        float[] score = ToArray<float>(scores);
        long[] group = ToArray<long>(groups);

        // Visit groups one after the other (boxes of different groups never meet), each by decreasing score.
        Comparison<int> byScore = (a, b) => score[a] != score[b] ? score[b].CompareTo(score[a]) : laterBoxesWinTies ? b.CompareTo(a) : a.CompareTo(b);
        int[] order = new int[count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => group[a] != group[b] ? group[a].CompareTo(group[b]) : byScore(a, b));

        float extra = measure == OverlapMeasure.IntersectionOverMinimum ? 1f : 0f;
        float[] area = new float[count];
        for (int i = 0; i < count; i++)
            area[i] = (box[4 * i + 2] - box[4 * i] + extra) * (box[4 * i + 3] - box[4 * i + 1] + extra);

        bool[] suppressed = new bool[count];
        var kept = new List<int>();
        for (int oi = 0; oi < count; oi++)
        {
            int i = order[oi];
            if (suppressed[i]) continue;
            kept.Add(i);
            float ix1 = box[4 * i], iy1 = box[4 * i + 1], ix2 = box[4 * i + 2], iy2 = box[4 * i + 3];
            for (int oj = oi + 1; oj < count && group[order[oj]] == group[i]; oj++)
            {
                int j = order[oj];
                if (suppressed[j]) continue;
                float w = MathF.Max(0f, MathF.Min(ix2, box[4 * j + 2]) - MathF.Max(ix1, box[4 * j]) + extra);
                float h = MathF.Max(0f, MathF.Min(iy2, box[4 * j + 3]) - MathF.Max(iy1, box[4 * j + 1]) + extra);
                float intersection = w * h;
                float overlap = measure == OverlapMeasure.IntersectionOverMinimum
                    ? intersection / MathF.Min(area[i], area[j])
                    : intersection / (area[i] + area[j] - intersection);
                if (overlap > threshold) suppressed[j] = true;
            }
        }
        kept.Sort(byScore); // all groups together by decreasing score, as torchvision's batched_nms returns them
        return tensor(kept.Select(i => (long)i).ToArray(), ScalarType.Int64, device: boxes.device);
    }

    private static T[] ToArray<T>(Tensor values) where T : unmanaged
    {
        using var cpu = values.detach().cpu().contiguous();
        return cpu.data<T>().ToArray();
    }
}
