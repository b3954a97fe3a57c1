namespace FaceEmbeddings.Recognition;

/// <summary>The size of a gallery.</summary>
/// <param name="Identities">Enrolled identities.</param>
/// <param name="Faces">Enrolled faces, over all identities.</param>
public readonly record struct GalleryCounts(int Identities, long Faces);
