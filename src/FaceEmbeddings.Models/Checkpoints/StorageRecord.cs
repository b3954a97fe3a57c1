using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// One storage of a checkpoint: its key, its type and element count as the pickle declares them, and,
/// once read, its bytes as a one-dimensional tensor.
/// </summary>
internal sealed class StorageRecord(string key, StorageType type, long elementCount)
{
    /// <summary>The storage key (legacy: an id number as text; zip: the record name under <c>data/</c>).</summary>
    public string Key { get; } = key;

    /// <summary>The storage's element type.</summary>
    public StorageType Type { get; } = type;

    /// <summary>The number of elements the pickle declares.</summary>
    public long ElementCount { get; } = elementCount;

    /// <summary>The storage's length in bytes; the declared count was checked not to overflow.</summary>
    public long ByteCount => ElementCount * Type.ElementSize;

    /// <summary>The storage contents as a one-dimensional tensor, or <c>null</c> until they have been read.</summary>
    public Tensor? Data { get; private set; }

    /// <summary>
    /// Allocates the storage (the caller has checked its length against the input) and lets
    /// <paramref name="fill"/> read its bytes straight into the tensor's memory.
    /// </summary>
    public void Read(Action<Tensor> fill)
    {
        // Booleans are read as bytes and normalised: a byte other than 0 or 1 in a bool tensor is undefined behaviour.
        bool isBool = Type.ElementType == ScalarType.Bool;
        var raw = empty(ElementCount, isBool ? ScalarType.Byte : Type.ElementType);
        fill(raw);
        using Scalar zero = 0;
        Data = isBool ? raw.ne(zero) : raw;
    }
}

/// <summary>
/// The elements <c>[ElementOffset, ElementOffset + ElementCount)</c> of a storage: the whole storage, or a
/// storage view of the legacy format's <c>view_metadata</c>.
/// </summary>
internal sealed record StorageSlice(StorageRecord Storage, long ElementOffset, long ElementCount);
