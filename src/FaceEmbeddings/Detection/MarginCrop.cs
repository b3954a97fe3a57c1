namespace FaceEmbeddings.Detection;

/// <summary>Where a face crop is cut, as facenet-pytorch's <c>extract_face</c> decides it.</summary>
internal static class MarginCrop
{
    /// <summary>
    /// The pixel rectangle [left, right) × [top, bottom) cut for <paramref name="box"/>: the margin, given in
    /// pixels of the <paramref name="outputSize"/> crop, becomes <c>margin × box side / (outputSize − margin)</c>
    /// source pixels, split evenly between both sides; the result is clamped to the image and truncated to
    /// whole pixels. The margin arithmetic is in double precision, as numpy evaluates facenet-pytorch's
    /// expression for float32 boxes.
    /// </summary>
    public static (int Left, int Top, int Right, int Bottom) CropRectangle(BoundingBox box, int margin, int outputSize, int imageWidth, int imageHeight)
    {
        double marginX = margin * (double)(box.X2 - box.X1) / (outputSize - margin);
        double marginY = margin * (double)(box.Y2 - box.Y1) / (outputSize - margin);
        return (
            (int)Math.Max(box.X1 - marginX / 2, 0),
            (int)Math.Max(box.Y1 - marginY / 2, 0),
            (int)Math.Min(box.X2 + marginX / 2, imageWidth),
            (int)Math.Min(box.Y2 + marginY / 2, imageHeight));
    }
}
