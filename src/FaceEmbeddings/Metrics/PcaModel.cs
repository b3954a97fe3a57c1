using static TorchSharp.torch;

namespace FaceEmbeddings.Metrics;

/// <summary>
/// A fitted principal component analysis (see <see cref="Pca.Fit"/>), with scikit-learn's attributes. Its tensors
/// are on the device and in the dtype of the fitted data. Owns them (detached from any dispose scope, so the model
/// outlives the scope it was fitted in): dispose it to free them.
/// </summary>
public sealed class PcaModel : IDisposable
{
    /// <summary>Takes ownership of the tensors, detaching them from their dispose scope.</summary>
    internal PcaModel(Tensor mean, Tensor components, Tensor explainedVariance, Tensor explainedVarianceRatio)
    {
        Mean = mean.DetachFromDisposeScope();
        Components = components.DetachFromDisposeScope();
        ExplainedVariance = explainedVariance.DetachFromDisposeScope();
        ExplainedVarianceRatio = explainedVarianceRatio.DetachFromDisposeScope();
    }

    /// <summary>The per-feature mean of the fitted data (D values), scikit-learn's <c>mean_</c>.</summary>
    public Tensor Mean { get; }

    /// <summary>
    /// K×D principal axes, unit rows in order of decreasing variance, scikit-learn's <c>components_</c>; each sign is
    /// chosen, as scikit-learn's <c>svd_flip</c> does, so that the largest-magnitude score of the fitted data is positive.
    /// </summary>
    public Tensor Components { get; }

    /// <summary>Variance along each component (K values, divided by N − 1), scikit-learn's <c>explained_variance_</c>.</summary>
    public Tensor ExplainedVariance { get; }

    /// <summary>Each component's share of the total variance (K values), scikit-learn's <c>explained_variance_ratio_</c>.</summary>
    public Tensor ExplainedVarianceRatio { get; }

    /// <summary>Projects rows onto the components: (x − <see cref="Mean"/>) · <see cref="Components"/>ᵀ.</summary>
    /// <param name="x">M×D rows on the model's device, floating point, finite.</param>
    /// <returns>M×K scores on the device and in the dtype of <paramref name="x"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not a non-empty 2-D floating-point matrix of finite
    /// values, has another number of columns than the fitted data, or is on another device.</exception>
    public Tensor Transform(Tensor x)
    {
        TensorArguments.RequireMatrix(x, nameof(x));
        if (x.shape[1] != Mean.shape[0])
            throw new ArgumentException(
                $"'{nameof(x)}' {TensorArguments.ShapeOf(x)} must have the {Mean.shape[0]} columns the model was fitted on.", nameof(x));
        if (x.device_type != Mean.device_type || x.device_index != Mean.device_index)
            throw new ArgumentException(
                $"'{nameof(x)}' {TensorArguments.ShapeOf(x)} is on {x.device} but the model is on {Mean.device}.", nameof(x));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return mm(x - Mean.to(x.dtype), Components.to(x.dtype).t()).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the model's tensors.</summary>
    public void Dispose()
    {
        Mean.Dispose();
        Components.Dispose();
        ExplainedVariance.Dispose();
        ExplainedVarianceRatio.Dispose();
    }
}
