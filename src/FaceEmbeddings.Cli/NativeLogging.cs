using System.Runtime.InteropServices;
using TorchSharp;

namespace FaceEmbeddings.Cli;

/// <summary>
/// Keeps libtorch's C++ warnings off the terminal. (The most common, "Could not initialize NNPACK" on CPUs NNPACK does
/// not support, is stopped at its source by the library, FaceEmbeddings.Models' <c>Nnpack</c>; this catches the rest.) libtorch only reads <c>TORCH_CPP_LOG_LEVEL</c> when Python initializes it, so the level is
/// set here directly, in c10's exported <c>FLAGS_caffe2_log_level</c>: errors only, or the level
/// <c>TORCH_CPP_LOG_LEVEL</c> names.
/// </summary>
internal static class NativeLogging
{
    private const string LogLevelVariable = "TORCH_CPP_LOG_LEVEL";
    private const string LogLevelFlag = "FLAGS_caffe2_log_level";

    /// <summary>c10's severities, as TORCH_CPP_LOG_LEVEL names them.</summary>
    private static readonly string[] Severities = ["INFO", "WARNING", "ERROR", "FATAL"];

    private static readonly Lazy<bool> Configured = new(Apply);

    /// <summary>Applies the log level once, before the networks first run; does nothing where the c10 library or its
    /// flag cannot be found.</summary>
    public static void Configure() => _ = Configured.Value;

    private static bool Apply()
    {
        string requested = Environment.GetEnvironmentVariable(LogLevelVariable) ?? "ERROR";
        int level = Array.FindIndex(Severities, name => name.Equals(requested, StringComparison.OrdinalIgnoreCase));
        if (level < 0 && !int.TryParse(requested, out level))
            return false;

        // Loads libtorch (and so c10), which the flag lives in.
        _ = torch.get_num_threads();
        string library = OperatingSystem.IsWindows() ? "c10.dll" : OperatingSystem.IsMacOS() ? "libc10.dylib" : "libc10.so";
        if (!NativeLibrary.TryLoad(library, out IntPtr c10) || !NativeLibrary.TryGetExport(c10, LogLevelFlag, out IntPtr flag))
            return false;
        Marshal.WriteInt32(flag, level);
        return true;
    }
}
