using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Metrics;

/// <summary>
/// Principal component analysis with scikit-learn's results (<c>sklearn.decomposition.PCA</c>, whiten off),
/// computed on the data's device.
/// </summary>
public static class Pca
{
    /// <summary>Fits <paramref name="components"/> principal components to the rows of <paramref name="x"/>.</summary>
    /// <param name="x">N×D data, N ≥ 2, floating point, finite. Half-precision data is fitted in float32.</param>
    /// <param name="components">How many components, 1 ≤ K ≤ min(N, D).</param>
    /// <param name="options">Solver and its settings; exact SVD by default.</param>
    /// <returns>The fitted model, on the device and in the dtype of <paramref name="x"/>; the caller owns and disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not a 2-D floating-point matrix of finite values with at least two rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="components"/> or an option is out of range.</exception>
    public static PcaModel Fit(Tensor x, int components, PcaOptions? options = null)
    {
        TensorArguments.RequireMatrix(x, nameof(x));
        long rows = x.shape[0], features = x.shape[1];
        if (rows < 2)
            throw new ArgumentException($"'{nameof(x)}' {TensorArguments.ShapeOf(x)} needs at least two rows to have a variance.", nameof(x));
        long rank = Math.Min(rows, features);
        if (components < 1 || components > rank)
            throw new ArgumentOutOfRangeException(nameof(components), components,
                $"components must be between 1 and min(rows, columns) = {rank} for '{nameof(x)}' {TensorArguments.ShapeOf(x)}.");
        options ??= new PcaOptions();
        options.Validate();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // LAPACK has no half-precision SVD; float64 data stays float64.
        ScalarType work = x.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var data = x.to(work);
        var mean = data.mean([0]);
        var centred = data - mean;

        var (leftVectors, singularValues, rightVectors) = options.Solver == PcaSolver.Exact
            ? linalg.svd(centred, fullMatrices: false)
            : RandomizedSvd(centred, components, options);
        var u = leftVectors.narrow(1, 0, components);
        var v = rightVectors.narrow(0, 0, components);

        // scikit-learn's svd_flip (u_based_decision=True): the largest-|value| entry of each column of U is made positive.
        var signs = u.gather(0, u.abs().argmax(0, keepdim: true)).sign();
        var oriented = v * signs.t();

        using Scalar two = 2, degreesOfFreedom = rows - 1;
        var explained = singularValues.narrow(0, 0, components).pow(two).div_(degreesOfFreedom);
        var totalVariance = centred.norm().pow_(two).div_(degreesOfFreedom);
        var ratio = explained / totalVariance;

        // The model detaches its tensors; the scope frees the rest.
        return new PcaModel(mean.to(x.dtype), oriented.to(x.dtype), explained.to(x.dtype), ratio.to(x.dtype));
    }

    /// <summary>
    /// Halko et al.'s randomized SVD (Algorithms 4.4 and 5.1): a seeded Gaussian sketch, power iterations
    /// re-orthonormalized by QR after every product, then the exact SVD of the projected (K + p)×D matrix.
    /// Returns U (N×(K + p)), S and Vᵀ as <c>linalg.svd</c> does.
    /// </summary>
    private static (Tensor U, Tensor S, Tensor Vh) RandomizedSvd(Tensor centred, int components, PcaOptions options)
    {
        long rows = centred.shape[0], features = centred.shape[1];
        long sketch = Math.Min(components + (long)options.Oversamples, Math.Min(rows, features));

        using var generator = new Generator(unchecked((ulong)options.Seed), centred.device);
        var test = randn([features, sketch], dtype: centred.dtype, device: centred.device, generator: generator);
        var range = mm(centred, test);
        for (int i = 0; i < options.PowerIterations; i++)
        {
            var (basis, _) = linalg.qr(range);
            var (coBasis, _) = linalg.qr(mm(centred.t(), basis));
            range = mm(centred, coBasis);
        }
        var (q, _) = linalg.qr(range);
        var (smallU, s, vh) = linalg.svd(mm(q.t(), centred), fullMatrices: false);
        return (mm(q, smallU), s, vh);
    }
}
