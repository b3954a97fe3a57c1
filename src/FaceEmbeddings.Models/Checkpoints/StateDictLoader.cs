using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>Strict loading of a state dict (as read by <see cref="TorchCheckpoint"/> or <see cref="SafeTensors"/>) into a module.</summary>
public static class StateDictLoader
{
    /// <summary>
    /// Copies every entry of <paramref name="stateDict"/> into the parameter or buffer of the same name,
    /// converting element type and device to the module's. Every key must match and every shape agree;
    /// otherwise nothing is copied and one <see cref="StateDictMismatchException"/> lists all problems.
    /// </summary>
    public static void LoadStateDict(this nn.Module module, IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stateDict);

        Dictionary<string, Tensor> targets = module.state_dict();
        var missing = targets.Keys.Where(key => !stateDict.ContainsKey(key)).ToList();
        var unexpected = stateDict.Keys.Where(key => !targets.ContainsKey(key)).ToList();
        var shapes = new List<string>();
        foreach ((string key, Tensor target) in targets)
        {
            if (stateDict.TryGetValue(key, out Tensor? source) && !source.shape.SequenceEqual(target.shape))
                shapes.Add($"{key}: expected [{string.Join(", ", target.shape)}], got [{string.Join(", ", source.shape)}]");
        }
        if (missing.Count > 0 || unexpected.Count > 0 || shapes.Count > 0)
            throw new StateDictMismatchException(module.GetName(), missing, unexpected, shapes);

        using var noGrad = no_grad();
        foreach ((string key, Tensor target) in targets)
            target.copy_(stateDict[key]);
    }
}
