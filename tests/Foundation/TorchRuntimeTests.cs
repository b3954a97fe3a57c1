using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Foundation;

public class TorchRuntimeTests
{
    [Fact]
    public void Torch_initialises_and_computes_a_convolution()
    {
        using var scope = NewDisposeScope();
        var input = ones(1, 1, 4, 4);
        var kernel = ones(1, 1, 3, 3);
        var output = nn.functional.conv2d(input, kernel);
        output.shape.Should().Equal(1, 1, 2, 2);
        output.data<float>().ToArray().Should().AllBeEquivalentTo(9f);
    }

    [Fact]
    public void Shared_folder_is_found_and_missing_entries_fail_loudly()
    {
        File.Exists(SharedData.PathOf("README.md")).Should().BeTrue();
        var missing = () => SharedData.PathOf("no-such-entry.bin");
        missing.Should().Throw<SharedDataMissingException>().WithMessage("*no-such-entry.bin*");
    }
}
