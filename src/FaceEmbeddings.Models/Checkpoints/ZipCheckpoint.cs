using System.IO.Compression;
using System.Text;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// PyTorch's zip serialization (the default of <c>torch.save</c> since 1.6): an archive with one top folder
/// holding <c>data.pkl</c> (the state-dict pickle), <c>data/&lt;key&gt;</c> (each storage's raw little-endian
/// bytes), <c>version</c> and, in newer files, <c>byteorder</c>.
/// </summary>
internal static class ZipCheckpoint
{
    private const string PickleName = "/data.pkl";

    /// <summary>Reads the state-dict pickle and the storages it refers to from the archive in <paramref name="stream"/>.</summary>
    /// <param name="stream">A seekable stream positioned at the archive's first byte.</param>
    /// <param name="file">The whole input: names the file in messages and bounds what may be allocated.</param>
    public static CheckpointContents Read(Stream stream, CheckpointInput file)
    {
        try
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var pickles = archive.Entries
                .Where(entry => entry.FullName.EndsWith(PickleName, StringComparison.Ordinal)
                    && entry.FullName.IndexOf('/', StringComparison.Ordinal) == entry.FullName.Length - PickleName.Length)
                .ToList();
            if (pickles.Count != 1)
                throw file.Error($"the checkpoint is a zip archive with {pickles.Count} '<name>/data.pkl' records; a PyTorch checkpoint has exactly one.");
            string folder = pickles[0].FullName[..^PickleName.Length];

            RequireLittleEndian(archive, folder, file);
            var pickle = new CheckpointInput(new MemoryStream(ReadRecord(pickles[0], file)), pickles[0].Length, $"{file.Source} ({pickles[0].FullName})");
            var storages = new StorageTable(pickle);
            object? root = RestrictedUnpickler.Load(pickle, "the state-dict pickle", storages.Resolve);

            // Checkpoints are written uncompressed, so their storages together cannot exceed the file.
            long unclaimed = file.Length;
            foreach (StorageRecord record in storages.Records.Values)
            {
                string name = $"{folder}/data/{record.Key}";
                ZipArchiveEntry entry = archive.GetEntry(name)
                    ?? throw file.Error($"the archive has no record '{name}' for storage '{record.Key}'.");
                if (entry.Length != record.ByteCount)
                {
                    throw file.Error($"record '{name}' holds {entry.Length} bytes, but its state dict declares "
                        + $"{record.ElementCount} × {record.Type.Name} ({record.ByteCount} bytes).");
                }
                unclaimed -= record.ByteCount;
                if (unclaimed < 0)
                    throw file.Error($"the state dict declares storages of more bytes than the whole file holds ({file.Length}).");
                using Stream data = entry.Open();
                try
                {
                    record.Read(tensor => TensorBytes.ReadInto(tensor, data));
                }
                catch (EndOfStreamException e)
                {
                    throw file.Error($"record '{name}' ends before its declared {entry.Length} bytes.", e);
                }
            }
            return new CheckpointContents(root, storages);
        }
        catch (InvalidDataException e)
        {
            throw file.Error($"the checkpoint is not a readable zip archive: {e.Message}", e);
        }
    }

    private static void RequireLittleEndian(ZipArchive archive, string folder, CheckpointInput file)
    {
        if (archive.GetEntry($"{folder}/byteorder") is not { } entry)
            return;
        string byteOrder = entry.Length <= 16 ? Encoding.ASCII.GetString(ReadRecord(entry, file)).Trim() : "?";
        if (byteOrder != "little")
            throw file.Error($"the archive declares byte order '{byteOrder}'; only little-endian checkpoints are supported.");
    }

    private static byte[] ReadRecord(ZipArchiveEntry entry, CheckpointInput file)
    {
        if (entry.Length > file.Length)
            throw file.Error($"record '{entry.FullName}' claims {entry.Length} bytes, more than the whole file ({file.Length}).");
        var bytes = new byte[entry.Length];
        using Stream data = entry.Open();
        try
        {
            data.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw file.Error($"record '{entry.FullName}' ends before its declared {entry.Length} bytes.", e);
        }
        return bytes;
    }
}
