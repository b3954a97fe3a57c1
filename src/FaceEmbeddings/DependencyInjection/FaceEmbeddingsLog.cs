using FaceEmbeddings.Encoding;
using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.DependencyInjection;

/// <summary>The events of the services <c>AddFaceEmbeddings</c> registers.</summary>
internal static partial class FaceEmbeddingsLog
{
    [LoggerMessage(101, LogLevel.Information, "MTCNN face detector loaded on {Device} in {Elapsed}")]
    public static partial void DetectorLoaded(ILogger logger, string device, TimeSpan elapsed);

    [LoggerMessage(102, LogLevel.Information, "{Encoder} '{Source}' loaded on {Device} ({Precision}) in {Elapsed}")]
    public static partial void EncoderLoaded(ILogger logger, string encoder, string source, string device, EncoderPrecision precision, TimeSpan elapsed);
}
