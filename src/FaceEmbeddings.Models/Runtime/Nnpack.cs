using System.Runtime.InteropServices;
using TorchSharp;

namespace FaceEmbeddings.Models.Runtime;

/// <summary>
/// Keeps libtorch's convolutions off NNPACK on processors NNPACK does not support, which silences its
/// "Could not initialize NNPACK! Reason: Unsupported hardware." warning at the source.
/// </summary>
/// <remarks>
/// <para>
/// Before a CPU convolution that oneDNN does not take, libtorch asks <c>at::_nnpack_available()</c> whether NNPACK may
/// serve it. That calls <c>nnp_initialize()</c>, which fails on processors whose features or caches NNPACK's cpuinfo
/// cannot read (common on virtual machines and under emulation), and logs the warning: once per process in libtorch
/// 2.10 (older builds logged it on every convolution), so once per test host, per benchmark process and per tool run.
/// The question comes after <c>at::globalContext().userEnabledNNPACK()</c> (PyTorch's
/// <c>torch.backends.nnpack.set_flags(False)</c>), which TorchSharp does not expose: this class calls libtorch's exported
/// C++ functions directly, once per process.
/// </para>
/// <para>
/// It turns NNPACK off only where <c>nnp_initialize()</c> itself fails (where libtorch could never use it), so the
/// kernels, and the numbers, stay the same everywhere. libtorch 2.10 for Linux x64 and macOS arm64 exports the three
/// functions; the Windows build has no NNPACK (and never warns), so there, as with any libtorch without the exports,
/// this does nothing.
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
            || !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledNNPACKEb", out IntPtr set))
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
            || !NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out IntPtr globalContext))
            return false;
        context = ((delegate* unmanaged<IntPtr>)globalContext)();
        return context != IntPtr.Zero;
    }
}
