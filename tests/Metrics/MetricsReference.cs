using FaceEmbeddings.Runtime;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Metrics;

/// <summary>
/// The metrics fixtures, loaded once per test class: <c>fixtures/metrics/reference.safetensors</c> (scikit-learn and
/// exact float64 references over 98 unit vectors in two groups) and <c>fixtures/seed_pipeline/reference.safetensors</c>.
/// </summary>
public sealed class MetricsReference : IDisposable
{
    private readonly SafeTensorsFile _metrics = SafeTensors.Load(SharedData.PathOf("fixtures/metrics/reference.safetensors"));
    private readonly SafeTensorsFile _seed = SafeTensors.Load(SharedData.PathOf("fixtures/seed_pipeline/reference.safetensors"));

    public MetricsReference()
    {
        SeedEmbeddings = cat([_seed["black_female/embeddings"], _seed["white_female/embeddings"]], 0).DetachFromDisposeScope();
        Groups = _metrics["group"].data<long>().ToArray().Select(g => g.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    public Tensor this[string name] => _metrics[name];

    /// <summary>The seed pipeline's 98 embeddings, black women first as its <c>cdist</c> is ordered.</summary>
    public Tensor SeedEmbeddings { get; }

    public Tensor SeedDistances => _seed["cdist"];

    /// <summary>The metrics fixture's group of each row, as labels "0" and "1".</summary>
    public IReadOnlyList<string> Groups { get; }

    public void Dispose()
    {
        SeedEmbeddings.Dispose();
        _metrics.Dispose();
        _seed.Dispose();
    }
}

/// <summary>Error measures, computed in float64.</summary>
internal static class Errors
{
    /// <summary>max |actual − expected| / |expected| over the entries where |expected| exceeds <paramref name="floor"/>.</summary>
    public static double MaxRelative(Tensor actual, Tensor expected, double floor = 0)
    {
        using var scope = NewDisposeScope();
        var a = actual.to(ScalarType.Float64).cpu();
        var e = expected.to(ScalarType.Float64).cpu();
        var counted = e.abs().gt(tensor(floor));
        return a.sub(e).abs().div(e.abs()).masked_select(counted).max().ToDoubleValue();
    }

    /// <summary>max |actual − expected| / max |expected|: the error relative to the tensor's scale.</summary>
    public static double MaxScaled(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var a = actual.to(ScalarType.Float64).cpu();
        var e = expected.to(ScalarType.Float64).cpu();
        return a.sub(e).abs().max().div(e.abs().max()).ToDoubleValue();
    }

    /// <summary>max |actual − expected|: for unit vectors such as principal axes, the error relative to their length.</summary>
    public static double MaxAbsolute(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        return actual.to(ScalarType.Float64).cpu().sub(expected.to(ScalarType.Float64).cpu()).abs().max().ToDoubleValue();
    }

    /// <summary>Rows as host arrays, for independent reference computations.</summary>
    public static double[][] Rows(Tensor matrix)
    {
        using var host = matrix.to(ScalarType.Float64).cpu().contiguous();
        double[] flat = host.data<double>().ToArray();
        int columns = (int)matrix.shape[1];
        return Enumerable.Range(0, (int)matrix.shape[0]).Select(r => flat.AsSpan(r * columns, columns).ToArray()).ToArray();
    }
}
