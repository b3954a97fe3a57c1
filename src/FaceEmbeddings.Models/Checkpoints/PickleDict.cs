namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// A Python <c>dict</c> or <c>collections.OrderedDict</c> built by the unpickler. Keys keep their
/// insertion order (as in Python 3.7+); assigning an existing key keeps its position.
/// </summary>
internal sealed class PickleDict(bool isOrderedDict)
{
    /// <summary>True for <c>collections.OrderedDict</c>, false for a plain <c>dict</c>.</summary>
    public bool IsOrderedDict { get; } = isOrderedDict;

    /// <summary>The items in insertion order. Keys are <see cref="string"/> or <see cref="long"/>.</summary>
    public OrderedDictionary<object, object?> Items { get; } = [];
}
