namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>What a checkpoint container yields: the unpickled root object and the storages it refers to.</summary>
internal sealed record CheckpointContents(object? Root, StorageTable Storages);
