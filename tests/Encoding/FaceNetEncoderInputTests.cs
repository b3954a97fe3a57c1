using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Tests.FaceNet;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Encoding;

[Collection(FaceNetTestGroup.Name)]
public sealed class FaceNetEncoderInputTests(FaceNetReference reference)
{
    private readonly FaceNetEncoder encoder = reference.Encoder;

    [Theory]
    [InlineData(new long[] { 3, 160, 160 }, "*N×3×S×S*[3, 160, 160]*")]
    [InlineData(new long[] { 1, 1, 160, 160 }, "*N×3×S×S*[1, 1, 160, 160]*")]
    [InlineData(new long[] { 1, 160, 160, 3 }, "*N×3×S×S*[1, 160, 160, 3]*")]
    [InlineData(new long[] { 1, 3, 160, 120 }, "*N×3×S×S*[1, 3, 160, 120]*")]
    [InlineData(new long[] { 1, 3, 74, 74 }, "*at least 75×75*74×74*")]
    public void Batches_of_the_wrong_shape_are_rejected_with_the_expected_shape(long[] shape, string message)
    {
        using Tensor faces = zeros(shape);
        var embed = () => encoder.Embed(faces);
        embed.Should().Throw<ArgumentException>().WithMessage(message).WithParameterName("faces");
    }

    [Theory]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Byte)]
    [InlineData(ScalarType.Float16)]
    public void Batches_of_another_element_type_are_rejected(ScalarType dtype)
    {
        using Tensor faces = zeros(new long[] { 1, 3, 160, 160 }, dtype);
        var embed = () => encoder.Embed(faces);
        embed.Should().Throw<ArgumentException>().WithMessage($"*float32*{dtype}*");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_values_are_rejected(float bad)
    {
        using Tensor faces = zeros(1, 3, 160, 160);
        faces[0, 1, 80, 80] = tensor(bad);
        var embed = () => encoder.Embed(faces);
        embed.Should().Throw<ArgumentException>().WithMessage("*NaN or infinite*");
    }

    [Fact]
    public void Raw_pixel_values_are_rejected_as_unstandardized()
    {
        using Tensor faces = TestTensors.Filled(200f, 2, 3, 160, 160);
        var embed = () => encoder.Embed(faces);
        embed.Should().Throw<ArgumentException>().WithMessage("*(x − 127.5) / 128*200*raw 0..255*");
    }

    [Fact]
    public void Null_inputs_are_rejected()
    {
        var embedTensor = () => encoder.Embed((Tensor)null!);
        embedTensor.Should().Throw<ArgumentNullException>().WithParameterName("faces");
        var embedList = () => encoder.Embed((IReadOnlyList<FaceCrop>)null!);
        embedList.Should().Throw<ArgumentNullException>().WithParameterName("crops");
        var embedCrop = () => encoder.Embed((FaceCrop)null!);
        embedCrop.Should().Throw<ArgumentNullException>().WithParameterName("crop");
        var embedListWithNull = () => encoder.Embed(new FaceCrop[] { null! });
        embedListWithNull.Should().Throw<ArgumentException>().WithMessage("*crops[0] is null*");
    }

    [Fact]
    public void Disposed_crops_are_rejected_naming_the_crop()
    {
        using FaceCrop kept = FaceNetReference.Crop(zeros(3, 160, 160));
        FaceCrop disposed = FaceNetReference.Crop(zeros(3, 160, 160));
        disposed.Dispose();
        var embed = () => encoder.Embed([kept, disposed]);
        embed.Should().Throw<ArgumentException>().WithMessage("*crops[1] has been disposed*");
    }

    [Fact]
    public void Crops_of_different_sizes_are_rejected_naming_the_odd_one()
    {
        using FaceCrop large = FaceNetReference.Crop(zeros(3, 160, 160));
        using FaceCrop small = FaceNetReference.Crop(zeros(3, 150, 150));
        var embed = () => encoder.Embed([large, large, small]);
        embed.Should().Throw<ArgumentException>().WithMessage("*same size*crops[2] is 150×150*");
    }

    [Fact]
    public void An_empty_batch_gives_an_empty_result()
    {
        using Tensor fromList = encoder.Embed(Array.Empty<FaceCrop>());
        fromList.shape.Should().Equal(0, 512);
        using Tensor noFaces = zeros(0, 3, 160, 160);
        using Tensor fromTensor = encoder.Embed(noFaces);
        fromTensor.shape.Should().Equal(0, 512);
    }
}
