namespace FaceEmbeddings.Metrics;

/// <summary>How <see cref="Pca.Fit"/> finds the principal components.</summary>
public enum PcaSolver
{
    /// <summary>A thin SVD of the centred data (scikit-learn's <c>svd_solver="full"</c>): exact, O(N·D·min(N, D)).</summary>
    Exact,

    /// <summary>
    /// Randomized subspace iteration (Halko, Martinsson and Tropp 2011; scikit-learn's <c>svd_solver="randomized"</c>):
    /// much faster when few components of a large matrix are wanted, accurate for the leading ones.
    /// </summary>
    Randomized,
}
