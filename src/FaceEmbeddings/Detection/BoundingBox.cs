namespace FaceEmbeddings.Detection;

/// <summary>An axis-aligned box in source-image pixels: (<see cref="X1"/>, <see cref="Y1"/>) top-left,
/// (<see cref="X2"/>, <see cref="Y2"/>) bottom-right, as facenet-pytorch reports boxes.</summary>
public readonly record struct BoundingBox(float X1, float Y1, float X2, float Y2)
{
    /// <summary>Width in pixels (<c>X2 − X1</c>).</summary>
    public float Width => X2 - X1;

    /// <summary>Height in pixels (<c>Y2 − Y1</c>).</summary>
    public float Height => Y2 - Y1;

    /// <summary>Area in square pixels.</summary>
    public float Area => Width * Height;
}
