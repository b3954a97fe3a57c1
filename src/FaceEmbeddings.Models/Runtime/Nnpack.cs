using System.Runtime.InteropServices;
using TorchSharp;

namespace FaceEmbeddings.Models.Runtime;

/// <summary>
/// Keeps libtorch's convolutions off NNPACK on processors NNPACK does not support, which silences its
/// "Could not initialize NNPACK! Reason: Unsupported hardware." warning at the source.
/// </summary>
/// <remarks>
/// <para>
/// Before every CPU convolution that did not go to oneDNN, libtorch asks <c>at::_nnpack_available()</c> whether NNPACK
/// may serve it; that function calls <c>nnp_initialize()</c> and logs the warning each time it fails, so a detection
/// printed dozens of lines although libtorch then used its other kernels. The check comes after
/// <c>at::globalContext().userEnabledNNPACK()</c> (PyTorch's <c>torch.backends.nnpack.set_flags(False)</c>), which
/// TorchSharp does not expose: this class calls libtorch's exported C++ functions directly, once per process.
/// </para>
/// <para>
/// It turns NNPACK off only where <c>nnp_initialize()</c> itself fails (where libtorch could never use it), so the
/// kernels, and the numbers, stay the same everywhere. Where the exports are missing (a libtorch built otherwise, or
/// MSVC's names on Windows not exported) it does nothing and the warning stays.
/// </para>
/// </remarks>
internal static class Nnpack
{
    // nnp_status values (nnpack.h).
    private const int NnpStatusSuccess = 0;

    private static readonly Lazy<bool?> Disabled = new(DisableWhereUnsupported);

    /// <summary>Applies the setting once; <see langword="true"/> when NNPACK was turned off because this processor lacks
    /// it, <see langword="false"/> when NNPACK works here, <see langword="null"/> when libtorch's functions could not be
    /// found.</summary>
    public static bool? EnsureConfigured() => Disabled.Value;

    /// <summary>Whether libtorch will consider NNPACK for convolutions (<c>userEnabledNNPACK()</c>); null when unknown.</summary>
    public static unsafe bool? IsEnabledInLibTorch()
    {
        if (!TryGetContext(out IntPtr library, out IntPtr context)
            || !NativeLibrary.TryGetExport(library, "_ZNK2at7Context17userEnabledNNPACKEv", out IntPtr get))
            return null;
        return ((delegate* unmanaged<IntPtr, byte>)get)(context) != 0;
    }

    private static unsafe bool? DisableWhereUnsupported()
    {
        if (!TryGetContext(out IntPtr library, out IntPtr context)
            || !NativeLibrary.TryGetExport(library, "nnp_initialize", out IntPtr initialize)
            || !TryGetExport(library, out IntPtr set, "_ZN2at7Context20setUserEnabledNNPACKEb", "?setUserEnabledNNPACK@Context@at@@QEAAX_N@Z"))
            return null;
        // nnp_initialize runs its detection once (pthread_once) and returns the same status on every call, silently.
        if (((delegate* unmanaged<int>)initialize)() == NnpStatusSuccess)
            return false;
        ((delegate* unmanaged<IntPtr, byte, void>)set)(context, 0);
        return true;
    }

    /// <summary>libtorch_cpu and its process-wide <c>at::Context</c>.</summary>
    private static unsafe bool TryGetContext(out IntPtr library, out IntPtr context)
    {
        context = IntPtr.Zero;
        // Loads libtorch, which TorchSharp resolves from the application's native assets.
        _ = torch.get_num_threads();
        string name = OperatingSystem.IsWindows() ? "torch_cpu.dll" : OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
        if (!NativeLibrary.TryLoad(name, out library)
            || !TryGetExport(library, out IntPtr globalContext, "_ZN2at13globalContextEv", "?globalContext@at@@YAAEAVContext@1@XZ"))
            return false;
        context = ((delegate* unmanaged<IntPtr>)globalContext)();
        return context != IntPtr.Zero;
    }

    private static bool TryGetExport(IntPtr library, out IntPtr address, params string[] names)
    {
        foreach (string name in names)
            if (NativeLibrary.TryGetExport(library, name, out address))
                return true;
        address = IntPtr.Zero;
        return false;
    }
}
