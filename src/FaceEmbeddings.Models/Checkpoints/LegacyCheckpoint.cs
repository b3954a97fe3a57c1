using System.Globalization;
using System.Numerics;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// PyTorch's legacy serialization (<c>torch.save(..., _use_new_zipfile_serialization=False)</c>, the format of
/// facenet-pytorch's weight files): five pickles — magic number, protocol version, system information, the
/// state dict, the list of storage keys — followed, for each key, by its element count (int64) and raw
/// little-endian bytes.
/// </summary>
internal static class LegacyCheckpoint
{
    private const long ProtocolVersion = 1001;

    private static readonly BigInteger MagicNumber = BigInteger.Parse("01950a86a20f9469cfc6c", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Reads the state-dict pickle and every storage from <paramref name="input"/>.</summary>
    public static CheckpointContents Read(CheckpointInput input)
    {
        if (RestrictedUnpickler.Load(input, "the magic-number pickle") is not BigInteger magic || magic != MagicNumber)
            throw input.Error("the checkpoint does not begin with PyTorch's magic number 0x1950a86a20f9469cfc6c: it is not a PyTorch checkpoint.");

        object? protocol = RestrictedUnpickler.Load(input, "the protocol-version pickle");
        if (protocol is not ProtocolVersion)
            throw input.Error($"the checkpoint declares serialization protocol {protocol}; PyTorch's legacy format is protocol {ProtocolVersion}.");

        if (RestrictedUnpickler.Load(input, "the system-information pickle") is not PickleDict systemInfo)
            throw input.Error("the checkpoint holds no system-information dictionary after its protocol version.");
        if (systemInfo.Items.TryGetValue("little_endian", out object? littleEndian) && littleEndian is not true)
            throw input.Error("the checkpoint was written on a big-endian machine; only little-endian checkpoints are supported.");

        var storages = new StorageTable(input);
        object? root = RestrictedUnpickler.Load(input, "the state-dict pickle", storages.Resolve);

        if (RestrictedUnpickler.Load(input, "the storage-key pickle") is not List<object?> keys)
            throw input.Error("the checkpoint holds no list of storage keys after its state dict.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (object? item in keys)
        {
            if (item is not string key || !storages.Records.TryGetValue(key, out StorageRecord? record))
                throw input.Error($"the storage-key list names {RestrictedUnpickler.Describe(item)} {item}, which the state dict never refers to.");
            if (!seen.Add(key))
                throw input.Error($"the storage-key list names '{key}' twice.");

            long count = input.ReadInt64($"the element count of storage '{key}'");
            if (count != record.ElementCount)
            {
                throw input.Error($"the checkpoint stores {count} elements for storage '{key}' at offset {input.Position - sizeof(long)}, "
                    + $"but its state dict declares {record.ElementCount} × {record.Type.Name}.");
            }
            input.Require(record.ByteCount, $"storage '{key}' ({record.ElementCount} × {record.Type.Name})");
            record.Read(tensor => input.ReadInto(tensor, $"storage '{key}'"));
        }
        return new CheckpointContents(root, storages);
    }
}
