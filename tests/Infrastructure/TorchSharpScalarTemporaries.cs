using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>
/// The TorchSharp members that make a <see cref="Scalar"/> of their own and pass its handle to libtorch without
/// keeping it alive, found by reading TorchSharp's IL. <c>Tensor.add(Tensor)</c> is <c>add(target, 1)</c>,
/// <c>linalg.vector_norm</c> passes <c>ord.ToScalar().Handle</c>, <c>Tensor.ToDouble()</c> is
/// <c>ToScalar().ToDouble()</c>: a collection during the native call can finalize that Scalar, however careful the
/// caller is. A method is listed when its body calls a TorchSharp method returning a Scalar (an implicit conversion,
/// <c>ToScalar</c>, …) and neither disposes a Scalar nor calls <see cref="GC.KeepAlive"/>, or when it calls a listed
/// method directly (not through a virtual call). Methods that return the Scalar they make hand it to their caller
/// and are not listed: the caller's use is checked instead.
/// </summary>
public static class TorchSharpScalarTemporaries
{
    private static readonly Lazy<IReadOnlySet<string>> Unsafe = new(FindUnsafeMembers);

    /// <summary>Keys (<see cref="KeyOf(MethodBase)"/>) of the TorchSharp methods that make temporary Scalars.</summary>
    public static IReadOnlySet<string> UnsafeMethodKeys => Unsafe.Value;

    /// <summary>
    /// "Namespace.Outer+Inner::name(ParameterType,…)→ReturnType", with generic definitions' parameter names and
    /// without by-ref marks: the same text for a reflected method and for a Roslyn symbol of it.
    /// </summary>
    public static string KeyOf(MethodBase method)
    {
        MethodBase definition = Definition(method);
        Type returnType = definition is MethodInfo info ? info.ReturnType : typeof(void);
        string parameters = string.Join(",", definition.GetParameters().Select(parameter => TypeName(parameter.ParameterType)));
        return $"{definition.DeclaringType!.FullName ?? definition.DeclaringType.Name}::{definition.Name}({parameters})→{TypeName(returnType)}";
    }

    private static string TypeName(Type type) => type.Name.TrimEnd('&');

    private static MethodBase Definition(MethodBase method)
    {
        if (method.DeclaringType is { IsGenericType: true, IsGenericTypeDefinition: false } constructed)
            method = MethodBase.GetMethodFromHandle(method.MethodHandle, constructed.GetGenericTypeDefinition().TypeHandle)!;
        return method is MethodInfo { IsGenericMethod: true, IsGenericMethodDefinition: false } generic ? generic.GetGenericMethodDefinition() : method;
    }

    private static HashSet<string> FindUnsafeMembers()
    {
        Assembly torchSharp = typeof(Scalar).Assembly;
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var callees = new Dictionary<string, List<string>>();
        var unsafeKeys = new HashSet<string>();
        foreach (Type type in torchSharp.GetTypes())
        foreach (MethodBase method in type.GetMethods(declared).Cast<MethodBase>().Concat(type.GetConstructors(declared)))
        {
            IReadOnlyList<MethodBase> calls = CallsOf(method);
            string key = KeyOf(method);
            callees[key] = [.. calls.Where(call => call.DeclaringType?.Assembly == torchSharp).Select(KeyOf)];
            bool returnsScalar = method is MethodInfo info && info.ReturnType == typeof(Scalar);
            bool makesScalar = calls.Any(call => call is MethodInfo callee && callee.ReturnType == typeof(Scalar) && callee.DeclaringType?.Assembly == torchSharp);
            bool keepsAlive = calls.Any(call => (call.DeclaringType == typeof(Scalar) && call.Name == nameof(Scalar.Dispose))
                                                || (call.DeclaringType == typeof(GC) && call.Name == nameof(GC.KeepAlive)));
            if (makesScalar && !returnsScalar && !keepsAlive) unsafeKeys.Add(key);
        }
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach ((string caller, List<string> calls) in callees)
                if (!unsafeKeys.Contains(caller) && calls.Any(unsafeKeys.Contains))
                    grew = unsafeKeys.Add(caller);
        }
        return unsafeKeys;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    /// <summary>The methods <paramref name="method"/>'s IL calls, constructs or takes the address of.</summary>
    private static List<MethodBase> CallsOf(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (BadImageFormatException)
        {
            return [];
        }
        var calls = new List<MethodBase>();
        if (il is null) return calls;
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } type ? type.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int offset = 0; offset < il.Length;)
        {
            OpCode code = il[offset] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[offset + 1])] : OpCodesByValue[il[offset]];
            offset += code.Size;
            if (code.OperandType == OperandType.InlineMethod)
            {
                try
                {
                    if (method.Module.ResolveMethod(BitConverter.ToInt32(il, offset), typeArguments, methodArguments) is { } callee)
                        calls.Add(callee);
                }
                catch (ArgumentException)
                {
                    // A method of an assembly that is not loaded here: not TorchSharp's, so not followed.
                }
                catch (FileNotFoundException)
                {
                }
            }
            offset += code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, offset),
                _ => 4,
            };
        }
        return calls;
    }
}
