using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.PostgreSql;

/// <summary>The events of <see cref="PostgresFaceGallery"/> (ids 3xx; the model store's are 1–99, the pipeline's 1xx–2xx).</summary>
internal static partial class PostgresGalleryLog
{
    [LoggerMessage(301, LogLevel.Warning, "Transient failure on the gallery {Location} (try {Attempt} of {Tries}): {Problem}; trying again in {Delay}")]
    public static partial void Retrying(ILogger logger, string location, int attempt, int tries, string problem, TimeSpan delay);

    [LoggerMessage(302, LogLevel.Error, "The connection to the gallery {Location} was lost during a commit: the change may or may not have been applied")]
    public static partial void CommitOutcomeUnknown(ILogger logger, string location, Exception exception);

    [LoggerMessage(303, LogLevel.Information, "Created the pgvector extension in the database of the gallery {Location}")]
    public static partial void ExtensionCreated(ILogger logger, string location);

    [LoggerMessage(304, LogLevel.Information, "Created the gallery {Location}: {Model}, {Size}-d, {Metric}, stored as {Storage}")]
    public static partial void TablesCreated(ILogger logger, string location, string model, int size, string metric, string storage);

    [LoggerMessage(305, LogLevel.Information, "Building the HNSW indexes of the gallery {Location} (m {M}, ef_construction {EfConstruction}); this takes minutes on a large gallery")]
    public static partial void IndexBuilding(ILogger logger, string location, int m, int efConstruction);

    [LoggerMessage(306, LogLevel.Information, "Built the HNSW indexes of the gallery {Location} in {Elapsed}")]
    public static partial void IndexBuilt(ILogger logger, string location, TimeSpan elapsed);
}
