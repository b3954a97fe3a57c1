using System.Buffers.Binary;
using System.IO.Compression;

namespace FaceEmbeddings.Tests.Checkpoints;

/// <summary>
/// Writes pickle opcodes by hand (protocol 2, as torch.save does), so that tests can build small checkpoints
/// whose exact contents they know, including malformed ones.
/// </summary>
public sealed class PickleWriter
{
    private readonly List<byte> _bytes = [];

    public PickleWriter Proto() => Op(0x80).Op(2);

    public PickleWriter Stop() => Op((byte)'.');

    public PickleWriter Mark() => Op((byte)'(');

    public PickleWriter Tuple() => Op((byte)'t');

    public PickleWriter EmptyTuple() => Op((byte)')');

    public PickleWriter EmptyDict() => Op((byte)'}');

    public PickleWriter EmptyList() => Op((byte)']');

    public PickleWriter Appends() => Op((byte)'e');

    public PickleWriter SetItems() => Op((byte)'u');

    public PickleWriter Reduce() => Op((byte)'R');

    public PickleWriter Build() => Op((byte)'b');

    public PickleWriter PersistentId() => Op((byte)'Q');

    public PickleWriter None() => Op((byte)'N');

    public PickleWriter Bool(bool value) => Op(value ? (byte)0x88 : (byte)0x89);

    public PickleWriter Global(string module, string name) => Op((byte)'c').Raw(System.Text.Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public PickleWriter Text(string value)
    {
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(value);
        return Op((byte)'X').Int32(utf8.Length).Raw(utf8);
    }

    /// <summary>An integer as BININT (4 bytes) or, beyond 32 bits, LONG1.</summary>
    public PickleWriter Number(long value)
    {
        if (value is >= int.MinValue and <= int.MaxValue)
            return Op((byte)'J').Int32((int)value);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return Op(0x8a).Op(8).Raw(bytes);
    }

    public PickleWriter IntTuple(IEnumerable<long> values)
    {
        Mark();
        foreach (long value in values)
            Number(value);
        return Tuple();
    }

    /// <summary><c>collections.OrderedDict()</c>.</summary>
    public PickleWriter OrderedDict() => Global("collections", "OrderedDict").EmptyTuple().Reduce();

    /// <summary>
    /// <c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())</c> with the
    /// persistent id <c>('storage', torch.&lt;storageType&gt;, key, 'cpu', numel)</c>.
    /// </summary>
    public PickleWriter Tensor(string storageType, string key, long numel, long offset, long[] size, long[] stride) =>
        Global("torch._utils", "_rebuild_tensor_v2").Mark()
            .Mark().Text("storage").Global("torch", storageType).Text(key).Text("cpu").Number(numel).Tuple().PersistentId()
            .Number(offset).IntTuple(size).IntTuple(stride).Bool(false).OrderedDict()
            .Tuple().Reduce();

    public PickleWriter Op(byte opcode)
    {
        _bytes.Add(opcode);
        return this;
    }

    public PickleWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    private PickleWriter Int32(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return Raw(bytes);
    }
}

/// <summary>Assembles checkpoint containers around hand-written pickles.</summary>
public static class CheckpointBuilder
{
    /// <summary>A zip-format checkpoint: <c>archive/data.pkl</c>, <c>archive/data/&lt;key&gt;</c>, <c>archive/version</c>.</summary>
    public static byte[] Zip(byte[] dataPickle, IReadOnlyDictionary<string, byte[]> storages)
    {
        var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(archive, "archive/data.pkl", dataPickle);
            foreach ((string key, byte[] bytes) in storages)
                Add(archive, $"archive/data/{key}", bytes);
            Add(archive, "archive/version", "3\n"u8.ToArray());
        }
        return output.ToArray();
    }

    /// <summary>
    /// A legacy-format checkpoint: magic number, protocol 1001, system information, <paramref name="statePickle"/>,
    /// the key list, then each storage as (element count, bytes).
    /// </summary>
    public static byte[] Legacy(byte[] statePickle, IReadOnlyList<(string Key, long Count, byte[] Bytes)> storages)
    {
        var output = new MemoryStream();
        byte[] magic = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
        output.Write(new PickleWriter().Proto().Op(0x8a).Op(10).Raw(magic).Stop().ToArray());
        output.Write(new PickleWriter().Proto().Number(1001).Stop().ToArray());
        output.Write(new PickleWriter().Proto().EmptyDict().Mark().Text("little_endian").Bool(true).SetItems().Stop().ToArray());
        output.Write(statePickle);
        var keys = new PickleWriter().Proto().EmptyList().Mark();
        foreach (var storage in storages)
            keys.Text(storage.Key);
        output.Write(keys.Appends().Stop().ToArray());
        Span<byte> count = stackalloc byte[8];
        foreach (var storage in storages)
        {
            BinaryPrimitives.WriteInt64LittleEndian(count, storage.Count);
            output.Write(count);
            output.Write(storage.Bytes);
        }
        return output.ToArray();
    }

    private static void Add(ZipArchive archive, string name, byte[] bytes)
    {
        using Stream entry = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
        entry.Write(bytes);
    }
}
