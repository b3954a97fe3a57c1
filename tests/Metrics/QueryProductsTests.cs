using FaceEmbeddings.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Metrics;

/// <summary>The gallery searches' CPU products of a few queries with many rows, against libtorch's float64 matrix product.</summary>
public class QueryProductsTests
{
    [Theory]
    [InlineData(1, 512, 5000)]     // a face gallery's single query, over several blocks of rows with a partial last one
    [InlineData(4, 128, 2049)]     // the most queries computed here; face-api's size; one row past a block
    [InlineData(3, 7, 1)]          // a size the vector width does not divide; one row
    [InlineData(5, 64, 3000)]      // more queries than computed here: libtorch's product
    public void Products_equal_the_float64_matrix_product_to_float32_rounding(int queryCount, int features, int rowCount)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        var rows = randn(rowCount, features, generator: generator);
        var queries = randn(queryCount, features, generator: generator);

        var products = QueryProducts.Of(queries, rows);

        products.shape.Should().Equal(queryCount, rowCount);
        products.dtype.Should().Be(ScalarType.Float32);
        var exact = mm(queries.to(ScalarType.Float64), rows.to(ScalarType.Float64).t());
        // Float32 sums of `features` products: error within a few ulps of the sum of their magnitudes.
        using Scalar relative = (1e-6 * Math.Sqrt(features)).ToScalar();
        var bound = mm(queries.abs().to(ScalarType.Float64), rows.abs().to(ScalarType.Float64).t()).mul(relative);
        (products.to(ScalarType.Float64) - exact).abs().le(bound).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Rows_that_are_a_strided_view_go_to_libtorchs_product_and_give_the_same_values()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(6);
        var wide = randn(300, 64, generator: generator);
        var everyOtherColumn = wide.narrow(1, 0, 32);
        var query = randn(1, 32, generator: generator);

        var products = QueryProducts.Of(query, everyOtherColumn);

        var expected = mm(query, everyOtherColumn.contiguous().t());
        products.allclose(expected, rtol: 1e-5, atol: 1e-5).Should().BeTrue();
    }
}
