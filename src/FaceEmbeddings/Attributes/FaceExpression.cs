namespace FaceEmbeddings.Attributes;

/// <summary>The seven facial expressions face-api's expression network tells apart, in its output order.</summary>
public enum FaceExpression
{
    /// <summary>No marked expression.</summary>
    Neutral,

    /// <summary>Happy.</summary>
    Happy,

    /// <summary>Sad.</summary>
    Sad,

    /// <summary>Angry.</summary>
    Angry,

    /// <summary>Fearful.</summary>
    Fearful,

    /// <summary>Disgusted.</summary>
    Disgusted,

    /// <summary>Surprised.</summary>
    Surprised,
}
