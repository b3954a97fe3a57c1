using System.Globalization;
using System.Numerics;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// A pickle virtual machine that only builds data. Python values become <see cref="long"/> or
/// <see cref="BigInteger"/>, <see cref="double"/>, <see cref="string"/>, <see cref="bool"/>, <c>null</c>,
/// <c>object?[]</c> (tuple), <see cref="List{T}"/> (list) and <see cref="PickleDict"/>; globals resolve only
/// through the allow-list of <see cref="PickleGlobal"/>, and the only calls it performs are the allowed
/// constructors of a state dict, which make descriptions (<see cref="TensorRecord"/>), never objects with
/// behaviour. Anything else — another global, an unknown opcode, malformed arguments, truncation — is a
/// <see cref="CheckpointFormatException"/>.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private const int HighestProtocol = 5;

    // State dicts nest three or four levels; far deeper nesting only serves to exhaust resources.
    private const int MaxNesting = 100;

    // Longest module or attribute name a GLOBAL line may carry.
    private const int MaxGlobalNameLength = 256;

    // Longest LONG4 integer accepted; state dicts hold none, the magic number takes 10 bytes (LONG1).
    private const int MaxLongBytes = 64;

    // Tensors in PyTorch have at most 64 dimensions.
    private const int MaxDimensions = 64;

    private readonly CheckpointInput input;
    private readonly string what;
    private readonly string stringWhat;
    private readonly Func<object?[], StorageSlice>? persistentLoad;
    private readonly List<object?> stack = [];
    private readonly List<int> marks = [];
    private readonly Dictionary<long, object?> memo = [];

    private RestrictedUnpickler(CheckpointInput input, string what, Func<object?[], StorageSlice>? persistentLoad)
    {
        this.input = input;
        this.what = what;
        // Built once: string opcodes are frequent and their description is only needed for messages.
        stringWhat = $"a string in {what}";
        this.persistentLoad = persistentLoad;
    }

    /// <summary>Reads one pickle, up to and including its STOP opcode, and returns the value it builds.</summary>
    /// <param name="input">The bytes, positioned at the pickle's first opcode.</param>
    /// <param name="what">How messages name this pickle, e.g. <c>the state-dict pickle</c>.</param>
    /// <param name="persistentLoad">Resolves a persistent id to a storage; <c>null</c> where none may occur.</param>
    public static object? Load(CheckpointInput input, string what, Func<object?[], StorageSlice>? persistentLoad = null) =>
        new RestrictedUnpickler(input, what, persistentLoad).Run();

    /// <summary>The Python type name of an unpickled value, for messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        bool => "bool",
        object?[] => "tuple",
        List<object?> => "list",
        PickleDict { IsOrderedDict: true } => "OrderedDict",
        PickleDict => "dict",
        PickleGlobal g => $"global '{g.FullName}'",
        StorageSlice => "storage",
        TensorRecord => "tensor",
        _ => value.GetType().Name,
    };

    private object? Run()
    {
        while (true)
        {
            long offset = input.Position;
            var opcode = (PickleOpcode)input.ReadByte(what);
            switch (opcode)
            {
                case PickleOpcode.Proto:
                    byte protocol = input.ReadByte(what);
                    if (protocol > HighestProtocol)
                        throw Error($"uses pickle protocol {protocol}; protocols up to {HighestProtocol} are supported.");
                    break;
                case PickleOpcode.Frame:
                    // Framing only groups opcodes for buffered reading; the length is checked, nothing more.
                    input.Require(input.ReadInt64(what), $"a frame of {what}");
                    break;
                case PickleOpcode.Stop:
                    if (marks.Count != 0 || stack.Count != 1)
                        throw Error($"ends with {stack.Count} values and {marks.Count} open marks on its stack; one value was expected.");
                    return stack[0];

                case PickleOpcode.Mark:
                    if (marks.Count == MaxNesting)
                        throw Error($"nests deeper than {MaxNesting} levels.");
                    marks.Add(stack.Count);
                    break;
                case PickleOpcode.Pop:
                    Pop();
                    break;
                case PickleOpcode.PopMark:
                    PopMark();
                    break;
                case PickleOpcode.Dup:
                    Push(Peek());
                    break;

                case PickleOpcode.Global:
                    string module = input.ReadLine(MaxGlobalNameLength, $"the module name of a global in {what}");
                    string name = input.ReadLine(MaxGlobalNameLength, $"the attribute name of a global in {what}");
                    Push(ResolveGlobal(module, name));
                    break;
                case PickleOpcode.StackGlobal:
                    string stackName = Pop<string>("STACK_GLOBAL's attribute name");
                    string stackModule = Pop<string>("STACK_GLOBAL's module name");
                    Push(ResolveGlobal(stackModule, stackName));
                    break;

                case PickleOpcode.BinPut:
                    memo[input.ReadByte(what)] = Peek();
                    break;
                case PickleOpcode.LongBinPut:
                    memo[input.ReadUInt32(what)] = Peek();
                    break;
                case PickleOpcode.Memoize:
                    memo[memo.Count] = Peek();
                    break;
                case PickleOpcode.BinGet:
                    Push(MemoGet(input.ReadByte(what)));
                    break;
                case PickleOpcode.LongBinGet:
                    Push(MemoGet(input.ReadUInt32(what)));
                    break;

                case PickleOpcode.None:
                    Push(null);
                    break;
                case PickleOpcode.NewTrue:
                    Push(true);
                    break;
                case PickleOpcode.NewFalse:
                    Push(false);
                    break;
                case PickleOpcode.BinInt:
                    Push((long)input.ReadInt32(what));
                    break;
                case PickleOpcode.BinInt1:
                    Push((long)input.ReadByte(what));
                    break;
                case PickleOpcode.BinInt2:
                    Push((long)input.ReadUInt16(what));
                    break;
                case PickleOpcode.Long1:
                    Push(ReadLong(input.ReadByte(what)));
                    break;
                case PickleOpcode.Long4:
                    int longLength = input.ReadInt32(what);
                    if (longLength is < 0 or > MaxLongBytes)
                        throw Error($"holds a {longLength}-byte integer at offset {offset}; at most {MaxLongBytes} bytes are accepted.");
                    Push(ReadLong(longLength));
                    break;
                case PickleOpcode.BinFloat:
                    Push(input.ReadDoubleBigEndian(what));
                    break;
                case PickleOpcode.ShortBinUnicode:
                    Push(input.ReadUtf8(input.ReadByte(what), stringWhat));
                    break;
                case PickleOpcode.BinUnicode:
                    Push(input.ReadUtf8(input.ReadUInt32(what), stringWhat));
                    break;
                case PickleOpcode.BinUnicode8:
                    Push(input.ReadUtf8(input.ReadInt64(what), stringWhat));
                    break;
                case PickleOpcode.ShortBinString:
                    Push(input.ReadLatin1(input.ReadByte(what), stringWhat));
                    break;
                case PickleOpcode.BinString:
                    Push(input.ReadLatin1(input.ReadInt32(what), stringWhat));
                    break;

                case PickleOpcode.EmptyTuple:
                    Push(Array.Empty<object?>());
                    break;
                case PickleOpcode.Tuple1:
                    Push(PopItems(1));
                    break;
                case PickleOpcode.Tuple2:
                    Push(PopItems(2));
                    break;
                case PickleOpcode.Tuple3:
                    Push(PopItems(3));
                    break;
                case PickleOpcode.Tuple:
                    Push(PopMark());
                    break;

                case PickleOpcode.EmptyList:
                    Push(new List<object?>());
                    break;
                case PickleOpcode.List:
                    Push(new List<object?>(PopMark()));
                    break;
                case PickleOpcode.Append:
                    object? appended = Pop();
                    Peek<List<object?>>("APPEND's target").Add(appended);
                    break;
                case PickleOpcode.Appends:
                    object?[] appendedItems = PopMark();
                    Peek<List<object?>>("APPENDS's target").AddRange(appendedItems);
                    break;

                case PickleOpcode.EmptyDict:
                    Push(new PickleDict(isOrderedDict: false));
                    break;
                case PickleOpcode.Dict:
                    var dict = new PickleDict(isOrderedDict: false);
                    SetItems(dict, PopMark());
                    Push(dict);
                    break;
                case PickleOpcode.SetItem:
                    object? value = Pop();
                    object? key = Pop();
                    SetItems(Peek<PickleDict>("SETITEM's target"), [key, value]);
                    break;
                case PickleOpcode.SetItems:
                    object?[] pairs = PopMark();
                    SetItems(Peek<PickleDict>("SETITEMS's target"), pairs);
                    break;

                case PickleOpcode.Reduce:
                    object?[] arguments = Pop<object?[]>("REDUCE's argument tuple");
                    var callable = Pop<PickleGlobal>("REDUCE's callable");
                    Push(Call(callable, arguments));
                    break;
                case PickleOpcode.Build:
                    Build(Pop(), Peek());
                    break;
                case PickleOpcode.BinPersId:
                    object?[] persistentId = Pop<object?[]>("a persistent id");
                    Push(persistentLoad?.Invoke(persistentId)
                        ?? throw Error($"refers to a persistent object at offset {offset}, which this pickle may not hold."));
                    break;

                default:
                    throw Error($"holds the opcode 0x{(byte)opcode:x2} at offset {offset}, which a weights-only checkpoint never uses.");
            }
        }
    }

    private PickleGlobal ResolveGlobal(string module, string name) =>
        PickleGlobal.TryResolve(module, name)
        ?? throw Error($"refers to the global '{module}.{name}', which is not allowed in a weights-only checkpoint; "
            + $"nothing was executed. Allowed globals: {PickleGlobal.AllowedNames}.");

    private object Call(PickleGlobal callable, object?[] arguments)
    {
        switch (callable.Kind)
        {
            case PickleGlobalKind.OrderedDict when arguments.Length == 0:
                return new PickleDict(isOrderedDict: true);
            case PickleGlobalKind.RebuildTensor when arguments.Length is 6 or 7:
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]);
                // requires_grad and metadata do not change the values and are dropped.
                var storage = Argument<StorageSlice>(callable, arguments, 0);
                long storageOffset = Argument<long>(callable, arguments, 1);
                long[] size = Dimensions(callable, Argument<object?[]>(callable, arguments, 2), "size");
                long[] stride = Dimensions(callable, Argument<object?[]>(callable, arguments, 3), "stride");
                _ = Argument<bool>(callable, arguments, 4);
                RequireNoHooks(callable, arguments[5]);
                if (size.Length != stride.Length)
                    throw Error($"calls {callable.FullName} with a {size.Length}-dimensional size but a {stride.Length}-dimensional stride.");
                if (storageOffset < 0)
                    throw Error($"calls {callable.FullName} with the negative storage offset {storageOffset}.");
                return new TensorRecord(storage, storageOffset, size, stride);
            case PickleGlobalKind.RebuildParameter when arguments.Length == 3:
                // (data, requires_grad, backward_hooks): a parameter holds exactly its data tensor's values.
                var data = Argument<TensorRecord>(callable, arguments, 0);
                _ = Argument<bool>(callable, arguments, 1);
                RequireNoHooks(callable, arguments[2]);
                return data;
            default:
                throw Error($"calls {callable.FullName} with {arguments.Length} arguments, which a state dict never does.");
        }
    }

    private T Argument<T>(PickleGlobal callable, object?[] arguments, int index) =>
        arguments[index] is T value
            ? value
            : throw Error($"passes a {Describe(arguments[index])} as argument {index} of {callable.FullName}, where a {ExpectedName<T>()} was expected.");

    private static string ExpectedName<T>() => typeof(T) switch
    {
        var t when t == typeof(long) => "int",
        var t when t == typeof(bool) => "bool",
        var t when t == typeof(object?[]) => "tuple",
        var t when t == typeof(StorageSlice) => "storage",
        var t when t == typeof(TensorRecord) => "tensor",
        var t => t.Name,
    };

    private long[] Dimensions(PickleGlobal callable, object?[] values, string what)
    {
        if (values.Length > MaxDimensions)
            throw Error($"calls {callable.FullName} with a {values.Length}-dimensional {what}; at most {MaxDimensions} dimensions exist.");
        var dimensions = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            dimensions[i] = values[i] is long dimension && dimension >= 0
                ? dimension
                : throw Error($"calls {callable.FullName} with {Describe(values[i])} {values[i]} in its {what}; non-negative integers were expected.");
        }
        return dimensions;
    }

    private void RequireNoHooks(PickleGlobal callable, object? hooks)
    {
        if (hooks is not PickleDict { Items.Count: 0 })
            throw Error($"calls {callable.FullName} with backward hooks ({Describe(hooks)}); a weights-only checkpoint has none.");
    }

    private void Build(object? state, object? target)
    {
        // torch.save pickles a state dict's _metadata attribute (module versions) through BUILD; it does
        // not affect the tensors, so it is accepted on an OrderedDict and dropped.
        if (target is not PickleDict { IsOrderedDict: true } || state is not (PickleDict or null))
            throw Error($"sets the state of a {Describe(target)} from a {Describe(state)}, which a state dict never does.");
    }

    private void SetItems(PickleDict dict, object?[] pairs)
    {
        if (pairs.Length % 2 != 0)
            throw Error($"sets dictionary items from an odd number ({pairs.Length}) of keys and values.");
        for (int i = 0; i < pairs.Length; i += 2)
        {
            object key = pairs[i] is string or long
                ? pairs[i]!
                : throw Error($"uses a {Describe(pairs[i])} as a dictionary key; a state dict's keys are strings.");
            dict.Items[key] = pairs[i + 1];
        }
    }

    private object ReadLong(int byteCount)
    {
        var bytes = input.ReadSmall(byteCount, what);
        if (byteCount > sizeof(long))
            return new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        long value = 0;
        for (int i = byteCount - 1; i >= 0; i--)
            value = (value << 8) | bytes[i];
        // Sign-extend from the highest byte present.
        int unusedBits = (sizeof(long) - byteCount) * 8;
        return byteCount == 0 ? 0L : (value << unusedBits) >> unusedBits;
    }

    private object? MemoGet(long index) =>
        memo.TryGetValue(index, out object? value)
            ? value
            : throw Error($"reads memo entry {index.ToString(CultureInfo.InvariantCulture)}, which was never stored.");

    private void Push(object? value) => stack.Add(value);

    private object? Peek() =>
        stack.Count > CurrentMarkBase()
            ? stack[^1]
            : throw Error("reads from an empty stack.");

    private T Peek<T>(string what) =>
        Peek() is T value ? value : throw Error($"has a {Describe(stack[^1])} as {what}.");

    private object? Pop()
    {
        object? value = Peek();
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private T Pop<T>(string what)
    {
        object? value = Pop();
        return value is T typed ? typed : throw Error($"has a {Describe(value)} as {what}.");
    }

    private object?[] PopItems(int count)
    {
        int start = stack.Count - count;
        if (start < CurrentMarkBase())
            throw Error("reads from an empty stack.");
        object?[] items = stack.GetRange(start, count).ToArray();
        stack.RemoveRange(start, count);
        return items;
    }

    private object?[] PopMark()
    {
        if (marks.Count == 0)
            throw Error("closes a mark that was never opened.");
        int start = marks[^1];
        marks.RemoveAt(marks.Count - 1);
        object?[] items = stack.GetRange(start, stack.Count - start).ToArray();
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    private int CurrentMarkBase() => marks.Count == 0 ? 0 : marks[^1];

    private CheckpointFormatException Error(string detail) => input.Error($"{what} {detail}");
}
