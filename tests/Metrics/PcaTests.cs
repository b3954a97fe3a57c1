using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Runtime;
using FaceEmbeddings.Metrics;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Metrics;

public class PcaTests(MetricsReference reference, ITestOutputHelper output) : IClassFixture<MetricsReference>
{
    private const double Tolerance = 1e-5;

    // The fixture is scikit-learn 1.2's PCA(n_components=2, svd_solver="full"): an exact SVD, so both components are
    // compared value for value, signs included (svd_flip). A component is a unit vector, so its error is measured
    // absolutely (relative to its length); a projection moves by at most ‖x − μ‖ times the axis' error, so projections
    // are scaled by the largest row norm of the centred data. The second axis is ill-conditioned: the 2nd to 4th
    // variances lie within 3 %, and float32 SVDs from two LAPACK builds turn it by ~2e-5 rad (measured: 6.7e-6 per
    // entry, 2.3e-5 on the projections), so its projections get 1e-4; the first axis and the variances meet 1e-5 with
    // a margin of ten.
    private const double IllConditionedAxisTolerance = 1e-4;

    [Fact]
    public void Exact_fit_matches_scikit_learn_on_both_components_with_their_signs()
    {
        using var scope = NewDisposeScope();
        using var model = Pca.Fit(reference["x"], 2);
        var projected = model.Transform(reference["x"]);

        var errors = new Dictionary<string, double>
        {
            ["mean"] = Errors.MaxScaled(model.Mean, reference["pca_mean"]),
            ["explained_variance"] = Errors.MaxRelative(model.ExplainedVariance, reference["pca_explained_variance"]),
            ["explained_variance_ratio"] = Errors.MaxRelative(model.ExplainedVarianceRatio, reference["pca_explained_variance_ratio"]),
        };
        double largestRowNorm = reference["x"].sub(model.Mean).norm(1).max().ToDoubleValue();
        for (int component = 0; component < 2; component++)
        {
            errors[$"components[{component}]"] = Errors.MaxAbsolute(model.Components[component], reference["pca_components"][component]);
            errors[$"projected[:, {component}]"] =
                Errors.MaxAbsolute(projected.select(1, component), reference["pca_projected"].select(1, component)) / largestRowNorm;
        }
        foreach (var (name, error) in errors)
            output.WriteLine($"pca {name}: max relative error {error:E2}");

        model.Components.shape.Should().Equal(2, 512);
        projected.shape.Should().Equal(98, 2);
        errors.Should().AllSatisfy(e => e.Value.Should().BeLessThan(
            e.Key == "projected[:, 1]" ? IllConditionedAxisTolerance : Tolerance, e.Key));
    }

    [Fact]
    public void Transform_with_the_fixtures_axes_reproduces_its_projection()
    {
        using var scope = NewDisposeScope();
        using var model = new PcaModel(
            reference["pca_mean"].clone(), reference["pca_components"].clone(),
            reference["pca_explained_variance"].clone(), reference["pca_explained_variance_ratio"].clone());

        var projected = model.Transform(reference["x"]);

        double error = Errors.MaxScaled(projected, reference["pca_projected"]);
        output.WriteLine($"pca transform with the fixture's axes: max relative error {error:E2}");
        error.Should().BeLessThan(Tolerance);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Randomized_fit_with_default_settings_agrees_with_the_exact_one_on_the_fixture(long seed)
    {
        using var scope = NewDisposeScope();
        using var exact = Pca.Fit(reference["x"], 2);
        using var randomized = Pca.Fit(reference["x"], 2, new PcaOptions { Solver = PcaSolver.Randomized, Seed = seed });

        double components = randomized.Components.sub(exact.Components).abs().max().ToDoubleValue();
        double variance = Errors.MaxRelative(randomized.ExplainedVariance, exact.ExplainedVariance);
        output.WriteLine($"randomized (seed {seed}) vs exact: components max abs difference {components:E2}, explained variance max relative {variance:E2}");

        components.Should().BeLessThan(1e-3);
        variance.Should().BeLessThan(1e-3);
        Errors.MaxRelative(randomized.ExplainedVarianceRatio, exact.ExplainedVarianceRatio).Should().BeLessThan(1e-3);
        Errors.MaxScaled(randomized.Mean, exact.Mean).Should().Be(0);
    }

    [Fact]
    public void Randomized_fits_with_the_same_seed_are_identical()
    {
        using var scope = NewDisposeScope();
        var options = new PcaOptions { Solver = PcaSolver.Randomized, Seed = 42, PowerIterations = 1, Oversamples = 2 };
        using var first = Pca.Fit(reference["x"], 3, options);
        using var second = Pca.Fit(reference["x"], 3, options);

        first.Components.data<float>().ToArray().Should().Equal(second.Components.data<float>().ToArray());
    }

    [Fact]
    public void Components_are_orthonormal_and_follow_the_svd_flip_rule_on_random_data()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3, CPU);
        var x = randn([60, 10], dtype: ScalarType.Float64, generator: generator);

        using var model = Pca.Fit(x, 4);
        var scores = model.Transform(x);

        Errors.MaxScaled(mm(model.Components, model.Components.t()), eye(4, dtype: ScalarType.Float64)).Should().BeLessThan(1e-12);
        // svd_flip makes the largest-magnitude entry of each column of U, hence of the scores U·S, positive.
        var largest = scores.gather(0, scores.abs().argmax(0, keepdim: true));
        largest.data<double>().ToArray().Should().OnlyContain(v => v > 0);
        // Variances of the scores are the explained variances (ddof 1), and their sum over all components is the total.
        Errors.MaxRelative(scores.var(0), model.ExplainedVariance).Should().BeLessThan(1e-12);
        using var full = Pca.Fit(x, 10);
        full.ExplainedVarianceRatio.sum().ToDoubleValue().Should().BeApproximately(1, 1e-12);
    }

    [Fact]
    public void Float64_input_gives_a_float64_model_that_matches_the_fixture()
    {
        using var scope = NewDisposeScope();
        using var model = Pca.Fit(reference["x"].to(ScalarType.Float64), 2);

        model.Components.dtype.Should().Be(ScalarType.Float64);
        model.ExplainedVariance.dtype.Should().Be(ScalarType.Float64);
        model.Transform(reference["x"].to(ScalarType.Float64)).dtype.Should().Be(ScalarType.Float64);
        Errors.MaxAbsolute(model.Components, reference["pca_components"]).Should().BeLessThan(Tolerance);
        Errors.MaxRelative(model.ExplainedVarianceRatio, reference["pca_explained_variance_ratio"]).Should().BeLessThan(Tolerance);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Components_outside_one_to_min_rows_columns_are_rejected(int components)
    {
        using var scope = NewDisposeScope();
        Tensor grid = TestTensors.Range(28, ScalarType.Float32).reshape(7, 4);
        var act = () => Pca.Fit(grid.mul(grid).Plus(ones(7, 4)), components);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "components").WithMessage("*between 1 and*4*'x' [7, 4]*");
    }

    [Fact]
    public void Invalid_data_and_options_are_rejected()
    {
        using var scope = NewDisposeScope();
        var withNaN = ones(5, 3);
        withNaN[4, 0] = tensor(float.NaN);

        ((Action)(() => Pca.Fit(ones(1, 3), 1))).Should().Throw<ArgumentException>().WithMessage("*'x' [1, 3]*at least two rows*");
        ((Action)(() => Pca.Fit(withNaN, 1))).Should().Throw<ArgumentException>().WithMessage("*'x' [5, 3]*NaN or infinite*");
        ((Action)(() => Pca.Fit(ones(5, 3), 1, new PcaOptions { Oversamples = -1 }))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => Pca.Fit(ones(5, 3), 1, new PcaOptions { PowerIterations = -2 }))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => Pca.Fit(ones(5, 3), 1, new PcaOptions { Solver = (PcaSolver)9 }))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Transform_rejects_rows_of_another_width()
    {
        using var scope = NewDisposeScope();
        using var model = Pca.Fit(reference["x"], 2);

        var act = () => model.Transform(ones(3, 511));
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "x").WithMessage("*'x' [3, 511]*512 columns*");
    }

    [Fact]
    public void A_model_outlives_the_callers_dispose_scope_and_dispose_frees_its_tensors()
    {
        Pca.Fit(reference["x"], 2).Dispose();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        PcaModel model;
        using (NewDisposeScope())
            model = Pca.Fit(reference["x"], 2);
        Tensor[] held = [model.Mean, model.Components, model.ExplainedVariance, model.ExplainedVarianceRatio];
        held.Should().OnlyContain(tensor => !tensor.IsInvalid, "the model owns its tensors, not the caller's scope");
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before + held.Length);
        model.Transform(reference["x"]).Dispose();

        model.Dispose();
        held.Should().OnlyContain(tensor => tensor.IsInvalid);
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }

    [Fact]
    public void Repeated_fits_do_not_grow_the_live_tensor_count()
    {
        var randomized = new PcaOptions { Solver = PcaSolver.Randomized };
        FitAndProject(null);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (int i = 0; i < 3; i++)
        {
            FitAndProject(null);
            FitAndProject(randomized);
        }

        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);

        void FitAndProject(PcaOptions? options)
        {
            using var model = Pca.Fit(reference["x"], 2, options);
            model.Transform(reference["x"]).Dispose();
        }
    }
}
