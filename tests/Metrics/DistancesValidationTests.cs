using FaceEmbeddings.Metrics;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Metrics;

public class DistancesValidationTests
{
    [Fact]
    public void A_vector_instead_of_a_matrix_is_rejected_with_its_name_and_shape()
    {
        using var scope = NewDisposeScope();
        var act = () => Distances.Pairwise(ones(5));
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "a").WithMessage("*'a'*2-D*[5]*");
    }

    [Fact]
    public void Integer_input_is_rejected()
    {
        using var scope = NewDisposeScope();
        var act = () => Distances.Pairwise(ones(3, 4, dtype: ScalarType.Int64));
        act.Should().Throw<ArgumentException>().WithMessage("*'a' [3, 4]*floating-point*Int64*");
    }

    [Fact]
    public void An_empty_matrix_is_rejected()
    {
        using var scope = NewDisposeScope();
        var act = () => Distances.Pairwise(ones(0, 4));
        act.Should().Throw<ArgumentException>().WithMessage("*'a'*at least one row*[0, 4]*");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Non_finite_values_are_rejected_naming_the_argument_and_its_shape(double bad)
    {
        using var scope = NewDisposeScope();
        var gallery = ones(6, 4);
        gallery[2, 3] = tensor((float)bad);

        var pairwise = () => Distances.Pairwise(ones(2, 4), gallery);
        var nearest = () => Distances.Nearest(ones(2, 4), gallery, 1);

        pairwise.Should().Throw<ArgumentException>().Where(e => e.ParamName == "b").WithMessage("*'b' [6, 4]*NaN or infinite*");
        nearest.Should().Throw<ArgumentException>().Where(e => e.ParamName == "gallery").WithMessage("*'gallery' [6, 4]*NaN or infinite*");
    }

    [Fact]
    public void Mismatched_columns_dtypes_are_rejected()
    {
        using var scope = NewDisposeScope();
        var columns = () => Distances.Pairwise(ones(2, 4), ones(3, 5));
        var dtypes = () => Distances.Nearest(ones(2, 4), ones(3, 4, dtype: ScalarType.Float64), 1);

        columns.Should().Throw<ArgumentException>().WithMessage("*'b' [3, 5]*columns*'a' [2, 4]*");
        dtypes.Should().Throw<ArgumentException>().WithMessage("*'gallery' [3, 4] is Float64*'queries' [2, 4] is Float32*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void K_outside_one_to_the_gallery_size_is_rejected(int k)
    {
        using var scope = NewDisposeScope();
        var act = () => Distances.Nearest(ones(2, 4), ones(3, 4), k);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "k").WithMessage("*between 1 and*3*");
    }

    [Fact]
    public void A_chunk_budget_below_one_mebibyte_is_rejected()
    {
        using var scope = NewDisposeScope();
        var act = () => Distances.Nearest(ones(2, 4), ones(3, 4), 1, chunkBytes: 1000);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "chunkBytes");
    }

    [Fact]
    public void An_all_zero_row_has_no_cosine_distance()
    {
        using var scope = NewDisposeScope();
        var gallery = ones(3, 4);
        gallery[1] = zeros(4);

        var pairwise = () => Distances.Pairwise(ones(2, 4), gallery, DistanceMetric.Cosine);
        var nearest = () => Distances.Nearest(ones(2, 4), gallery, 1, DistanceMetric.Cosine);

        pairwise.Should().Throw<ArgumentException>().WithMessage("*'b' [3, 4]*all-zero row*cosine*");
        nearest.Should().Throw<ArgumentException>().WithMessage("*'gallery' [3, 4]*all-zero row*cosine*");
        Distances.Pairwise(ones(2, 4), gallery).Dispose();   // fine for the Euclidean distance
    }

    [Fact]
    public void An_undefined_metric_is_rejected()
    {
        using var scope = NewDisposeScope();
        var act = () => Distances.Pairwise(ones(2, 4), metric: (DistanceMetric)42);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "metric");
    }
}
