using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>TinyXception's middle flow: main blocks at constant resolution and width.</summary>
internal sealed class XceptionMiddleFlow : nn.Module<Tensor, Tensor>
{
    // Field names are face-api's weight names (middle_flow/main_block_0, …/main_block_1).
    private readonly XceptionMainBlock main_block_0;
    private readonly XceptionMainBlock main_block_1;

    public XceptionMiddleFlow(long channels) : base("middle_flow")
    {
        main_block_0 = new XceptionMainBlock(nameof(main_block_0), channels);
        main_block_1 = new XceptionMainBlock(nameof(main_block_1), channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return main_block_1.call(main_block_0.call(x)).MoveToOuterDisposeScope(); // N×C×H×W
    }
}
