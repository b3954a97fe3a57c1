namespace FaceEmbeddings.Recognition;

/// <summary>How an identity with several enrolled faces is scored against a query.</summary>
public enum IdentityScoring
{
    /// <summary>The distance to the identity's closest face.</summary>
    ClosestFace,

    /// <summary>The distance to the mean of the identity's faces.</summary>
    Centroid,
}
