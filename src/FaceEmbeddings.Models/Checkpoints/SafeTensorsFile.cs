using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>The tensors and metadata of a safetensors file. Owns the tensors: dispose it to free them.</summary>
public sealed class SafeTensorsFile : IDisposable
{
    internal SafeTensorsFile(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors, in the order of the file's header, on the CPU.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The free-form <c>__metadata__</c> strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor named <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> naming it when absent.</summary>
    public Tensor this[string name] =>
        Tensors.TryGetValue(name, out Tensor? tensor)
            ? tensor
            : throw new KeyNotFoundException($"The safetensors file has no tensor named '{name}'.");

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor tensor in Tensors.Values) tensor.Dispose();
    }
}
