using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Runtime;

/// <summary>
/// The one check of a requested device, made by every model type (<c>MtcnnFaceDetector</c>, <c>FaceNetEncoder</c>, …)
/// and by the <c>faceembed</c> tool before any weights are loaded, so that a missing GPU fails the same way everywhere.
/// </summary>
public static class DeviceCheck
{
    /// <summary>Reads a device as settings and the command line write it: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>
    /// (case-insensitive). Whether the device exists is <see cref="Require"/>'s question.</summary>
    /// <returns>False when <paramref name="text"/> names no such device.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Device? device)
    {
        device = null;
        string trimmed = text?.Trim() ?? "";
        if (string.Equals(trimmed, "cpu", StringComparison.OrdinalIgnoreCase))
            device = CPU;
        else if (string.Equals(trimmed, "cuda", StringComparison.OrdinalIgnoreCase))
            device = new Device(DeviceType.CUDA);   // not torch.CUDA, which initializes the CUDA backend
        else if (trimmed.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(trimmed.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
            device = new Device(DeviceType.CUDA, index);
        return device is not null;
    }

    /// <summary>The device to run on: the CPU for null, otherwise <paramref name="device"/> once it is known to exist.</summary>
    /// <param name="device">The requested device: null or a CPU device, or a CUDA device.</param>
    /// <param name="parameterName">The argument or setting that requested it, for the exception.</param>
    /// <exception cref="ArgumentException">A CUDA device is requested but TorchSharp has none, or not that many; or the
    /// device type is neither CPU nor CUDA.</exception>
    public static Device Require(Device? device, string parameterName)
    {
        if (device is null) return CPU;
        return UnavailableReason(device) is { } reason ? throw new ArgumentException(reason, parameterName) : device;
    }

    /// <summary>Why <paramref name="device"/> cannot run the networks on this machine, or null when it can.</summary>
    /// <param name="device">The device asked for.</param>
    /// <returns>The reason, as a sentence; null for the CPU and for a CUDA device that exists.</returns>
    public static string? UnavailableReason(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.type switch
        {
            DeviceType.CPU => null,
            DeviceType.CUDA when !cuda.is_available() =>
                $"Device '{device}' was requested, but no CUDA device is available to TorchSharp (a TorchSharp-cuda package, an NVIDIA driver and a GPU are needed). Run on the CPU instead.",
            DeviceType.CUDA when device.index >= cuda.device_count() => $"Device '{device}' was requested, but only {cuda.device_count()} CUDA device(s) exist.",
            DeviceType.CUDA => null,
            _ => $"Device type {device.type} is not supported; use the CPU or CUDA.",
        };
    }
}
