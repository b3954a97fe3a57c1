using FaceEmbeddings.Models.Checkpoints;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Store;

/// <summary>
/// Structure validators for <see cref="ModelInfo.StructureValidator"/>: a file passes when the safe checkpoint reader
/// (<see cref="TorchCheckpoint"/>) accepts it and it holds the named tensors with the expected shapes.
/// </summary>
public static class CheckpointStructure
{
    /// <summary>
    /// A validator that accepts a PyTorch checkpoint holding at least the tensors named in
    /// <paramref name="expectedShapes"/>, with those shapes. A rejected file raises <see cref="CheckpointFormatException"/>
    /// that names every missing or misshapen tensor.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="expectedShapes"/> is empty.</exception>
    public static Func<string, bool> Expecting(IReadOnlyDictionary<string, long[]> expectedShapes)
    {
        ArgumentNullException.ThrowIfNull(expectedShapes);
        if (expectedShapes.Count == 0)
            throw new ArgumentException("A structure check needs at least one expected tensor.", nameof(expectedShapes));
        var expected = expectedShapes.ToDictionary(entry => entry.Key, entry => entry.Value.ToArray(), StringComparer.Ordinal);
        return path =>
        {
            Check(path, expected);
            return true;
        };
    }

    /// <summary>
    /// A validator for facenet-pytorch's InceptionResnetV1 state dicts: stem, embedding layer and a classifier with
    /// <paramref name="classes"/> outputs (<see cref="FaceNet.InceptionResnetV1.VggFace2ClassCount"/>,
    /// <see cref="FaceNet.InceptionResnetV1.CasiaWebFaceClassCount"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive.</exception>
    public static Func<string, bool> InceptionResnetV1(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        const int embedding = FaceNet.InceptionResnetV1.EmbeddingSize;
        return Expecting(new Dictionary<string, long[]>
        {
            ["conv2d_1a.conv.weight"] = [32, 3, 3, 3],
            ["last_linear.weight"] = [embedding, 1792],
            ["last_bn.running_var"] = [embedding],
            ["logits.weight"] = [classes, embedding],
            ["logits.bias"] = [classes],
        });
    }

    private static void Check(string path, Dictionary<string, long[]> expected)
    {
        using StateDictionary stateDict = TorchCheckpoint.Load(path);
        List<string> problems = [];
        foreach ((string name, long[] shape) in expected)
        {
            if (!stateDict.TryGetValue(name, out Tensor? tensor))
                problems.Add($"'{name}' is missing");
            else if (!tensor.shape.SequenceEqual(shape))
                problems.Add($"'{name}' is [{string.Join(", ", tensor.shape)}], not [{string.Join(", ", shape)}]");
        }
        if (problems.Count > 0)
            throw new CheckpointFormatException($"The checkpoint '{path}' does not have the expected structure: {string.Join("; ", problems)}.");
    }
}
