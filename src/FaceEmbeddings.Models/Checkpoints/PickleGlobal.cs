namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>What an allowed pickle global stands for.</summary>
internal enum PickleGlobalKind
{
    /// <summary><c>collections.OrderedDict</c>: called without arguments to start a state dict.</summary>
    OrderedDict,

    /// <summary><c>torch._utils._rebuild_tensor_v2</c>: a tensor viewing a storage.</summary>
    RebuildTensor,

    /// <summary><c>torch._utils._rebuild_parameter</c>: an <c>nn.Parameter</c> wrapping a tensor.</summary>
    RebuildParameter,

    /// <summary>A typed storage class such as <c>torch.FloatStorage</c>; only ever data, never called.</summary>
    Storage,
}

/// <summary>
/// A global (module attribute) named by a pickle. Only the few that a state dict needs resolve, as with
/// <c>torch.load(weights_only=True)</c>; resolving never imports, executes or instantiates anything.
/// </summary>
internal sealed class PickleGlobal
{
    private PickleGlobal(string module, string name, PickleGlobalKind kind, StorageType? storage = null)
    {
        Module = module;
        Name = name;
        Kind = kind;
        Storage = storage;
    }

    /// <summary>The module part, e.g. <c>torch._utils</c>.</summary>
    public string Module { get; }

    /// <summary>The attribute part, e.g. <c>_rebuild_tensor_v2</c>.</summary>
    public string Name { get; }

    /// <summary>What the global stands for.</summary>
    public PickleGlobalKind Kind { get; }

    /// <summary>The storage type when <see cref="Kind"/> is <see cref="PickleGlobalKind.Storage"/>.</summary>
    public StorageType? Storage { get; }

    /// <summary>The dotted name, as Python prints it.</summary>
    public string FullName => $"{Module}.{Name}";

    /// <summary>The allow-list, as dotted names, for error messages.</summary>
    public static string AllowedNames =>
        "collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter, "
        + string.Join(", ", StorageType.Names.Select(name => "torch." + name));

    /// <summary>The allowed global <paramref name="module"/>.<paramref name="name"/>, or <c>null</c> when it is not allowed.</summary>
    public static PickleGlobal? TryResolve(string module, string name) => (module, name) switch
    {
        ("collections", "OrderedDict") => new PickleGlobal(module, name, PickleGlobalKind.OrderedDict),
        ("torch._utils", "_rebuild_tensor_v2") => new PickleGlobal(module, name, PickleGlobalKind.RebuildTensor),
        ("torch._utils", "_rebuild_parameter") => new PickleGlobal(module, name, PickleGlobalKind.RebuildParameter),
        ("torch", _) when StorageType.Find(name) is { } storage => new PickleGlobal(module, name, PickleGlobalKind.Storage, storage),
        _ => null,
    };
}
