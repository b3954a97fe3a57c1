using FaceEmbeddings.Models.Checkpoints;
using TorchSharp;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// Regression tests for what <see cref="SafeTensorsFuzzTests"/> found: headers that escaped the reader as
/// <see cref="ArgumentException"/> (a repeated tensor name, after allocating the first tensor) or
/// <see cref="InvalidOperationException"/> (bytes or escapes that are not valid Unicode). Each is now a
/// <see cref="CheckpointFormatException"/> naming the source and the problem, and nothing is left allocated.
/// </summary>
public class SafeTensorsHostileHeaderTests
{
    private const string Entry = """{"dtype":"F32","shape":[1],"data_offsets":[0,4]}""";
    private const string SecondEntry = """{"dtype":"F32","shape":[1],"data_offsets":[4,8]}""";

    public static TheoryData<string, string> RepeatedNames => new()
    {
        { "{\"a\":" + Entry + ",\"a\":" + SecondEntry + "}", "*names 'a' more than once*" },
        { "{\"__metadata__\":{\"k\":\"1\"},\"a\":" + Entry + ",\"__metadata__\":{\"k\":\"2\"}}", "*names '__metadata__' more than once*" },
        { "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"},\"a\":" + Entry + "}", "*metadata 'k' appears more than once*" },
    };

    [Theory]
    [MemberData(nameof(RepeatedNames))]
    public void A_repeated_name_is_refused_and_allocates_nothing(string header, string expectedMessage)
    {
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var load = () => SafeTensors.Load(FileWith(System.Text.Encoding.UTF8.GetBytes(header)), "repeated");

        load.Should().Throw<CheckpointFormatException>().WithMessage("*'repeated'*").WithMessage(expectedMessage);
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(liveBefore, "no tensor of the refused file may stay allocated");
    }

    [Fact]
    public void A_header_that_is_not_UTF8_is_refused()
    {
        byte[] header = System.Text.Encoding.UTF8.GetBytes("{\"a\":" + Entry + "}");
        header[2] = 0xC3; // the name 'a' becomes a two-byte lead byte followed by the closing quote: not UTF-8

        var load = () => SafeTensors.Load(FileWith(header), "latin1");

        load.Should().Throw<CheckpointFormatException>().WithMessage("*'latin1'*not valid UTF-8*");
    }

    [Theory]
    [InlineData("{\"\\ud800\":" + Entry + "}")]
    [InlineData("{\"__metadata__\":{\"note\":\"\\udfff\"},\"a\":" + Entry + "}")]
    public void An_escape_that_is_not_valid_Unicode_is_refused(string header)
    {
        var load = () => SafeTensors.Load(FileWith(System.Text.Encoding.UTF8.GetBytes(header)), "surrogate");

        load.Should().Throw<CheckpointFormatException>().WithMessage("*'surrogate'*not valid Unicode*");
    }

    /// <summary>A safetensors stream with <paramref name="header"/> and 8 data bytes (two float32).</summary>
    private static MemoryStream FileWith(byte[] header)
    {
        var stream = new MemoryStream();
        stream.Write(BitConverter.GetBytes((ulong)header.Length));
        stream.Write(header);
        stream.Write(new byte[8]);
        stream.Position = 0;
        return stream;
    }
}
