using System.Globalization;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// The storages a state-dict pickle refers to through persistent ids
/// <c>('storage', storage_type, key, location, numel[, view_metadata])</c>, one record per key.
/// Locations (<c>cpu</c>, <c>cuda:0</c>…) are ignored: everything is read onto the CPU.
/// </summary>
internal sealed class StorageTable(CheckpointInput input)
{
    private readonly OrderedDictionary<string, StorageRecord> records = new(StringComparer.Ordinal);

    /// <summary>The storages referred to so far, in order of first reference.</summary>
    public IReadOnlyDictionary<string, StorageRecord> Records => records;

    /// <summary>Resolves a persistent id to the slice of the storage it names (the pickler's <c>persistent_load</c>).</summary>
    public StorageSlice Resolve(object?[] persistentId)
    {
        if (persistentId is not ["storage", PickleGlobal { Storage: { } type }, string key, string, long elementCount, ..] rest
            || rest.Length > 6)
        {
            string items = string.Join(", ", persistentId.Take(7).Select(RestrictedUnpickler.Describe));
            throw input.Error($"the state-dict pickle holds a persistent id of {persistentId.Length} items ({items}); "
                + "('storage', <torch storage class>, key, location, element count[, view]) was expected.");
        }
        if (elementCount < 0 || elementCount > long.MaxValue / type.ElementSize)
            throw input.Error($"storage '{key}' declares the impossible element count {elementCount}.");

        if (!records.TryGetValue(key, out StorageRecord? record))
        {
            record = new StorageRecord(key, type, elementCount);
            records.Add(key, record);
        }
        else if (record.Type != type || record.ElementCount != elementCount)
        {
            throw input.Error($"storage '{key}' is declared both as {record.ElementCount} × {record.Type.Name} "
                + $"and as {elementCount} × {type.Name}.");
        }

        object? view = persistentId.Length == 6 ? persistentId[5] : null;
        return view switch
        {
            null => new StorageSlice(record, 0, elementCount),
            // Storage views of old PyTorch versions: (view_key, offset, view_size) in elements of the root storage.
            object?[] { Length: 3 } and [string, long offset, long count]
                when offset >= 0 && count >= 0 && count <= elementCount - offset
                => new StorageSlice(record, offset, count),
            _ => throw input.Error($"storage '{key}' has an invalid view {RestrictedUnpickler.Describe(view)} "
                + $"for its {elementCount.ToString(CultureInfo.InvariantCulture)} elements."),
        };
    }
}
