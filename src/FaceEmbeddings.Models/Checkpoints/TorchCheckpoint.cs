using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// Reads PyTorch state-dict checkpoints (<c>.pt</c>/<c>.pth</c> files written by <c>torch.save(model.state_dict())</c>)
/// in both of PyTorch's containers — the zip format and the legacy format of facenet-pytorch's weight files —
/// without Python and without executing anything: the pickle inside is interpreted by a restricted unpickler
/// that accepts only the globals a state dict needs, like <c>torch.load(weights_only=True)</c>.
/// </summary>
public static class TorchCheckpoint
{
    private static readonly byte[] ZipLocalHeader = "PK\u0003\u0004"u8.ToArray();
    private static readonly byte[] ZipEmptyArchive = "PK\u0005\u0006"u8.ToArray();
    private const byte PickleProtocolOpcode = 0x80;

    /// <summary>Loads the state dict stored in the file at <paramref name="path"/>.</summary>
    /// <param name="path">A checkpoint file in PyTorch's zip or legacy format.</param>
    /// <returns>
    /// The tensors by parameter name, in the state dict's order, on the CPU, with the stored element types
    /// (e.g. float16 for half-precision storages). Each tensor is contiguous and lives in native memory
    /// independent of the file; tensors that the file stores as views of one storage share it, as in PyTorch.
    /// The <see cref="StateDictionary"/> owns the tensors: dispose it to free them.
    /// </returns>
    /// <exception cref="CheckpointFormatException">
    /// The file is not a checkpoint, is truncated or corrupt, or refers to anything outside the allow-list
    /// (for example <c>os.system</c>); the message names the file and the problem.
    /// </exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static StateDictionary Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Unbuffered: the reader buffers the pickles itself and reads storages straight into tensor memory.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        return Load(stream, $"'{path}'");
    }

    /// <summary>Loads the state dict stored in <paramref name="stream"/>, from its current position.</summary>
    /// <param name="stream">A readable stream; a stream that cannot seek is first copied into memory. It is not disposed.</param>
    /// <returns>The tensors by parameter name, as for <see cref="Load(string)"/>; dispose the result to free them.</returns>
    /// <exception cref="CheckpointFormatException">The data is not an acceptable checkpoint; the message says why.</exception>
    public static StateDictionary Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Load(stream, "checkpoint stream");
    }

    private static StateDictionary Load(Stream stream, string source)
    {
        if (!stream.CanSeek)
            return LoadCopy(stream, source);

        long length = stream.Length - stream.Position;
        Span<byte> head = stackalloc byte[4];
        head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        stream.Seek(-head.Length, SeekOrigin.Current);
        bool isZip = head.SequenceEqual(ZipLocalHeader) || head.SequenceEqual(ZipEmptyArchive);
        // Zip offsets count from the stream's start, so an archive further in is read from a copy.
        if (isZip && stream.Position != 0)
            return LoadCopy(stream, source);

        var file = new CheckpointInput(stream, length, source);
        using var scope = NewDisposeScope();
        CheckpointContents contents;
        if (isZip)
        {
            contents = ZipCheckpoint.Read(stream, file);
        }
        else if (!head.IsEmpty && head[0] == PickleProtocolOpcode)
        {
            contents = LegacyCheckpoint.Read(file);
        }
        else
        {
            throw file.Error(head.IsEmpty
                ? "the checkpoint is empty."
                : $"the checkpoint begins with the bytes {Convert.ToHexString(head)}: it is neither a zip-format PyTorch checkpoint ('PK') "
                    + "nor a legacy one (a pickle, byte 0x80).");
        }

        // The state dict detaches its tensors from the scope, which frees the rest.
        return new StateDictionary(StateDictBuilder.Build(contents, file));
    }

    private static StateDictionary LoadCopy(Stream stream, string source)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return Load(copy, source);
    }
}
