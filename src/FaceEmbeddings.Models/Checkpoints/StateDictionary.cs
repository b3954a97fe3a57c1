using System.Collections;
using System.Diagnostics.CodeAnalysis;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// Tensors by parameter name, in the order of the checkpoint they were read from (<see cref="TorchCheckpoint.Load(string)"/>).
/// Owns the tensors (detached from any dispose scope, so they outlive the scope they were loaded in): dispose it to
/// free them.
/// </summary>
public sealed class StateDictionary : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly OrderedDictionary<string, Tensor> tensors;

    /// <summary>Takes ownership of <paramref name="tensors"/>, detaching each from its dispose scope.</summary>
    internal StateDictionary(OrderedDictionary<string, Tensor> tensors)
    {
        foreach (Tensor tensor in tensors.Values)
            tensor.DetachFromDisposeScope();
        this.tensors = tensors;
    }

    /// <summary>The tensor named <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is none; the message names it.</exception>
    public Tensor this[string key] => tensors.TryGetValue(key, out Tensor? tensor)
        ? tensor
        : throw new KeyNotFoundException($"The state dict has no tensor named '{key}'.");

    /// <summary>The parameter names, in checkpoint order.</summary>
    public IEnumerable<string> Keys => tensors.Keys;

    /// <summary>The tensors, in checkpoint order.</summary>
    public IEnumerable<Tensor> Values => tensors.Values;

    /// <summary>How many tensors there are.</summary>
    public int Count => tensors.Count;

    /// <summary>Whether there is a tensor named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => tensors.ContainsKey(key);

    /// <summary>Reads the tensor named <paramref name="key"/>, if there is one.</summary>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => tensors.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => tensors.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        foreach (Tensor tensor in tensors.Values)
            tensor.Dispose();
    }
}
