namespace FaceEmbeddings.Detection;

/// <summary>A landmark position in source-image pixels.</summary>
public readonly record struct FacePoint(float X, float Y);
