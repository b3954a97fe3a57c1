namespace FaceEmbeddings.Detection;

/// <summary>A crop of image <see cref="Image"/>: rows <see cref="Top"/> … <see cref="Bottom"/> − 1 and columns
/// <see cref="Left"/> … <see cref="Right"/> − 1.</summary>
internal readonly record struct CropWindow(int Image, int Top, int Left, int Bottom, int Right);
