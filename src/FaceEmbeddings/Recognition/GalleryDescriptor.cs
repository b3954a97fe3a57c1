using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Recognition;

/// <summary>
/// What the embeddings of a gallery are: which encoder made them, how long they are, and how they are compared.
/// A gallery refuses embeddings of another size, and a saved gallery refuses to open for another descriptor.
/// </summary>
/// <param name="Model">The encoder's model name (e.g. <c>vggface2</c>), compared ordinally.</param>
/// <param name="EmbeddingSize">D, the length of one embedding.</param>
/// <param name="Metric">The distance searches rank by.</param>
public sealed record GalleryDescriptor(string Model, int EmbeddingSize, DistanceMetric Metric = DistanceMetric.Euclidean);
