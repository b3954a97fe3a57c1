using FaceEmbeddings.Runtime;
using static TorchSharp.torch;

namespace FaceEmbeddings.Metrics;

/// <summary>Argument checks shared by the metrics: every message names the argument and its shape.</summary>
internal static class TensorArguments
{
    /// <summary>"[98, 512]" for a 98×512 tensor.</summary>
    public static string ShapeOf(Tensor tensor) => "[" + string.Join(", ", tensor.shape) + "]";

    /// <summary>
    /// Requires a non-empty 2-D floating-point matrix of finite values (rows are samples, columns features).
    /// The finiteness check reduces on the tensor's device and reads back only its minimum and maximum,
    /// which NaN propagates into.
    /// </summary>
    public static void RequireMatrix(Tensor? tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (tensor.dim() != 2)
            throw new ArgumentException($"'{name}' must be a 2-D tensor (rows × features); got shape {ShapeOf(tensor)}.", name);
        if (!tensor.is_floating_point())
            throw new ArgumentException($"'{name}' {ShapeOf(tensor)} must hold floating-point values; got {tensor.dtype}.", name);
        if (tensor.shape[0] == 0 || tensor.shape[1] == 0)
            throw new ArgumentException($"'{name}' must have at least one row and one column; got shape {ShapeOf(tensor)}.", name);

        using var scope = NewDisposeScope();
        var (min, max) = tensor.aminmax();
        if (!double.IsFinite(min.ToDoubleValue()) || !double.IsFinite(max.ToDoubleValue()))
            throw new ArgumentException($"'{name}' {ShapeOf(tensor)} contains NaN or infinite values.", name);
    }

    /// <summary>Requires <paramref name="other"/> to have the columns, dtype and device of <paramref name="reference"/>.</summary>
    public static void RequireSameKind(Tensor reference, string referenceName, Tensor other, string otherName)
    {
        if (other.shape[1] != reference.shape[1])
            throw new ArgumentException(
                $"'{otherName}' {ShapeOf(other)} must have as many columns as '{referenceName}' {ShapeOf(reference)}.", otherName);
        if (other.dtype != reference.dtype)
            throw new ArgumentException(
                $"'{otherName}' {ShapeOf(other)} is {other.dtype} but '{referenceName}' {ShapeOf(reference)} is {reference.dtype}; convert one of them.", otherName);
        if (other.device_type != reference.device_type || other.device_index != reference.device_index)
            throw new ArgumentException(
                $"'{otherName}' {ShapeOf(other)} is on {other.device} but '{referenceName}' {ShapeOf(reference)} is on {reference.device}; move one of them.", otherName);
    }

    /// <summary>Cosine distance has no value for an all-zero row: requires every row norm to be positive.</summary>
    public static void RequireNonZeroRows(Tensor rowNorms, Tensor matrix, string name)
    {
        using var scope = NewDisposeScope();
        if (rowNorms.min().ToDoubleValue() <= 0)
            throw new ArgumentException($"'{name}' {ShapeOf(matrix)} has an all-zero row, for which the cosine distance is undefined.", name);
    }

    /// <summary>
    /// Requires N×D embeddings, or one D-vector, with D = <paramref name="size"/>, checked as <see cref="RequireMatrix"/>
    /// checks, and no all-zero row under the cosine distance. <paramref name="owner"/> completes the message
    /// ("for a gallery of …"). Returns N.
    /// </summary>
    public static long RequireEmbeddings(Tensor? embeddings, int size, DistanceMetric metric, string name, string owner)
    {
        ArgumentNullException.ThrowIfNull(embeddings, name);
        if (embeddings.dim() is not (1 or 2) || embeddings.shape[^1] != size)
            throw new ArgumentException($"'{name}' must be N×{size} (or {size} for one face) {owner}; got shape {ShapeOf(embeddings)}.", name);
        using var scope = NewDisposeScope();
        Tensor matrix = embeddings.dim() == 1 ? embeddings.unsqueeze(0) : embeddings;
        RequireMatrix(matrix, name);
        if (metric == DistanceMetric.Cosine)
            RequireNonZeroRows(matrix.norm(1), matrix, name);
        return matrix.shape[0];
    }
}
