using System.Globalization;

namespace FaceEmbeddings.Benchmarks;

/// <summary>The process's memory as Linux reports it in <c>/proc/self/status</c>.</summary>
internal static class ProcessMemory
{
    /// <summary>A <c>/proc/self/status</c> field in MiB (<c>VmRSS</c> now, <c>VmHWM</c> at peak), or "n/a" off Linux.</summary>
    public static string Mebibytes(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
            return "n/a";
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? "n/a" : (long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).ToString(CultureInfo.InvariantCulture);
    }
}
