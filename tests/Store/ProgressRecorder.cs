using FaceEmbeddings.Models.Store;

namespace FaceEmbeddings.Tests.Store;

/// <summary>
/// Records progress reports synchronously, in order (unlike <see cref="Progress{T}"/>, which posts them later), and can
/// run an action on each report.
/// </summary>
public sealed class ProgressRecorder(Action<DownloadProgress>? onReport = null) : IProgress<DownloadProgress>
{
    private readonly List<DownloadProgress> _reports = [];

    /// <summary>The reports so far.</summary>
    public IReadOnlyList<DownloadProgress> Reports
    {
        get
        {
            lock (_reports)
                return [.. _reports];
        }
    }

    public void Report(DownloadProgress value)
    {
        lock (_reports)
            _reports.Add(value);
        onReport?.Invoke(value);
    }
}
