using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.Datasets;

/// <summary>The events a <see cref="FaceDataset"/> logs.</summary>
internal static partial class FaceDatasetLog
{
    [LoggerMessage(201, LogLevel.Warning, "Skipped image '{Path}' ({Reason}): {Problem}")]
    public static partial void Skipped(ILogger logger, string path, SkipReason reason, string problem);
}
