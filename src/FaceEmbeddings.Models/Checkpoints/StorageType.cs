using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>A PyTorch typed-storage class (<c>torch.FloatStorage</c> …) and the element type it holds.</summary>
internal sealed class StorageType
{
    private static readonly Dictionary<string, StorageType> ByName = new[]
    {
        new StorageType("FloatStorage", ScalarType.Float32, 4),
        new StorageType("HalfStorage", ScalarType.Float16, 2),
        new StorageType("BFloat16Storage", ScalarType.BFloat16, 2),
        new StorageType("DoubleStorage", ScalarType.Float64, 8),
        new StorageType("LongStorage", ScalarType.Int64, 8),
        new StorageType("IntStorage", ScalarType.Int32, 4),
        new StorageType("ShortStorage", ScalarType.Int16, 2),
        new StorageType("CharStorage", ScalarType.Int8, 1),
        new StorageType("ByteStorage", ScalarType.Byte, 1),
        new StorageType("BoolStorage", ScalarType.Bool, 1),
    }.ToDictionary(type => type.Name, StringComparer.Ordinal);

    private StorageType(string name, ScalarType elementType, int elementSize)
    {
        Name = name;
        ElementType = elementType;
        ElementSize = elementSize;
    }

    /// <summary>The class name inside the <c>torch</c> module, e.g. <c>HalfStorage</c>.</summary>
    public string Name { get; }

    /// <summary>The tensor element type of the storage.</summary>
    public ScalarType ElementType { get; }

    /// <summary>Bytes per element in the file.</summary>
    public int ElementSize { get; }

    /// <summary>The names of all supported storage classes, for error messages.</summary>
    public static IEnumerable<string> Names => ByName.Keys;

    /// <summary>The storage type called <paramref name="name"/> in the <c>torch</c> module, or <c>null</c>.</summary>
    public static StorageType? Find(string name) => ByName.GetValueOrDefault(name);
}
