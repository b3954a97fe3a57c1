using FaceEmbeddings.Models.Checkpoints;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Checkpoints;

public class StateDictLoaderTests
{
    [Fact]
    public void Copies_values_and_converts_half_precision_to_the_module_dtype()
    {
        using var scope = NewDisposeScope();
        using var module = nn.Linear(3, 2);
        var stateDict = new Dictionary<string, Tensor>
        {
            ["weight"] = tensor(new float[] { 1, 2, 3, 4, 5, 6 }).reshape(2, 3).to(ScalarType.Float16),
            ["bias"] = tensor(new float[] { -0.5f, 0.25f }).to(ScalarType.Float16),
        };

        module.LoadStateDict(stateDict);

        module.weight!.dtype.Should().Be(ScalarType.Float32);
        module.weight.data<float>().ToArray().Should().Equal(1, 2, 3, 4, 5, 6);
        module.bias!.data<float>().ToArray().Should().Equal(-0.5f, 0.25f);
    }

    [Fact]
    public void Reports_missing_unexpected_and_misshapen_keys_together_and_copies_nothing()
    {
        using var scope = NewDisposeScope();
        using var module = nn.Linear(3, 2);
        float[] before = module.bias!.data<float>().ToArray();
        var stateDict = new Dictionary<string, Tensor>
        {
            ["bias"] = zeros(5),
            ["extra.weight"] = zeros(1),
        };

        var load = () => module.LoadStateDict(stateDict);

        var error = load.Should().Throw<StateDictMismatchException>().Which;
        error.MissingKeys.Should().Equal("weight");
        error.UnexpectedKeys.Should().Equal("extra.weight");
        error.ShapeMismatches.Should().ContainSingle().Which.Should().Be("bias: expected [2], got [5]");
        error.Message.Should().Contain("weight").And.Contain("extra.weight").And.Contain("bias");
        module.bias.data<float>().ToArray().Should().Equal(before);
    }
}
