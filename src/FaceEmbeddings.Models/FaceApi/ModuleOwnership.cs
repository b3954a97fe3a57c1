using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>Keeps a network's weights alive beyond the dispose scope it was built in.</summary>
internal static class ModuleOwnership
{
    /// <summary>
    /// Detaches every parameter of <paramref name="module"/> from the current dispose scope. TorchSharp registers a new
    /// parameter in that scope, so a network built inside one would lose its weights when the scope ends; the network owns them.
    /// </summary>
    public static void DetachParametersFromDisposeScope(this nn.Module module)
    {
        foreach (Tensor parameter in module.parameters()) parameter.DetachFromDisposeScope();
    }
}
