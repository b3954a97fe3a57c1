namespace FaceEmbeddings.Recognition;

/// <summary>One enrolled person.</summary>
/// <param name="Name">The identity's key.</param>
/// <param name="FaceCount">How many faces are enrolled for it.</param>
/// <param name="Metadata">Its string key/values (empty when none were given).</param>
public sealed record GalleryIdentity(string Name, int FaceCount, IReadOnlyDictionary<string, string> Metadata);
