using FaceEmbeddings.Detection;
using FaceEmbeddings.Metrics;
using static TorchSharp.torch;

namespace FaceEmbeddings.Recognition;

/// <summary>
/// What the embeddings of a gallery are: which encoder made them, how long they are, and how they are compared.
/// A gallery refuses embeddings of another size, and a saved gallery refuses to open for another descriptor.
/// </summary>
/// <param name="Model">The encoder's model name (e.g. <c>vggface2</c>), compared ordinally.</param>
/// <param name="EmbeddingSize">D, the length of one embedding.</param>
/// <param name="Metric">The distance searches rank by.</param>
/// <param name="Geometry">How the faces were cut before the encoder (<see cref="FaceCropGeometry.Name"/>, e.g.
/// <c>dlib-mean-face-150px-pad0.25</c>, or <c>unaligned</c>): embeddings of aligned and unaligned crops are not comparable,
/// so a gallery refuses to open for another geometry. Galleries saved before geometries were recorded are unaligned.</param>
public sealed record GalleryDescriptor(string Model, int EmbeddingSize, DistanceMetric Metric = DistanceMetric.Euclidean,
    string Geometry = FaceCropGeometry.UnalignedName)
{
    /// <summary>"model 'vggface2', 512-d, Euclidean, unaligned crops": how errors name a descriptor.</summary>
    public override string ToString() => $"model '{Model}', {EmbeddingSize}-d, {Metric}, {Geometry} crops";

    /// <summary>Checks the descriptor itself; every gallery calls it when created or opened.</summary>
    /// <exception cref="ArgumentException">The model name is empty, the size is not positive, or the metric is unknown.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Model))
            throw new ArgumentException("A gallery descriptor needs a model name (e.g. 'vggface2').", nameof(Model));
        if (string.IsNullOrWhiteSpace(Geometry))
            throw new ArgumentException("A gallery descriptor needs a crop geometry name (e.g. 'unaligned').", nameof(Geometry));
        if (EmbeddingSize < 1)
            throw new ArgumentException($"A gallery descriptor needs a positive embedding size; got {EmbeddingSize}.", nameof(EmbeddingSize));
        if (!Enum.IsDefined(Metric))
            throw new ArgumentException($"Unknown distance metric {Metric}.", nameof(Metric));
    }

    /// <summary>
    /// Checks that <paramref name="embeddings"/> are embeddings this descriptor describes: N×D or D (one row), floating
    /// point, finite, with D = <see cref="EmbeddingSize"/>, and no all-zero row under the cosine distance. Reads the
    /// tensor on its device and keeps no reference to it.
    /// </summary>
    /// <param name="embeddings">The embeddings to check.</param>
    /// <param name="parameterName">How error messages name the argument.</param>
    /// <returns>N, the number of rows (1 for a 1-D tensor).</returns>
    /// <exception cref="ArgumentException">A rule above is broken; the message names the argument, its shape and the rule.</exception>
    public long RequireEmbeddings(Tensor embeddings, string parameterName) =>
        TensorArguments.RequireEmbeddings(embeddings, EmbeddingSize, Metric, parameterName, $"for a gallery of {this}");
}
