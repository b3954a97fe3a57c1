namespace FaceEmbeddings.Recognition;

/// <summary>One identity found for a query.</summary>
/// <param name="Identity">The identity's key.</param>
/// <param name="Distance">Its distance to the query under the gallery's metric and the search's scoring.</param>
/// <param name="FaceId">The closest face's id (<see langword="null"/> under <see cref="IdentityScoring.Centroid"/>).</param>
public sealed record IdentityMatch(string Identity, double Distance, long? FaceId);
