using System.Runtime.InteropServices;

namespace FaceEmbeddings.Cli;

/// <summary>
/// Keeps libtorch's C++ warnings off the terminal. On CPUs NNPACK does not support, libtorch warns "Could not
/// initialize NNPACK" on every convolution call, dozens of lines per image, although it falls back to its other
/// kernels. libtorch reads its log level from <c>TORCH_CPP_LOG_LEVEL</c> in the native environment when it loads,
/// which <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not change on Unix, hence <c>setenv</c>.
/// </summary>
internal static partial class NativeLogging
{
    private const string LogLevelVariable = "TORCH_CPP_LOG_LEVEL";

    /// <summary>Sets libtorch's log level to errors only, unless the user chose a level; call before any tensor is made.</summary>
    public static void ShowErrorsOnly()
    {
        if (Environment.GetEnvironmentVariable(LogLevelVariable) is not null)
            return;
        if (OperatingSystem.IsWindows())
            Environment.SetEnvironmentVariable(LogLevelVariable, "ERROR");
        else
            _ = SetEnvironment(LogLevelVariable, "ERROR", overwrite: 0);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
