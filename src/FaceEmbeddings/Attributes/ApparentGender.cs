namespace FaceEmbeddings.Attributes;

/// <summary>
/// The gender a face appears to have, as face-api's network predicts it: one of two labels that annotators of its
/// training sets assigned from appearance. It says nothing about a person's gender identity.
/// </summary>
public enum ApparentGender
{
    /// <summary>Labelled male by the training data's annotators.</summary>
    Male,

    /// <summary>Labelled female by the training data's annotators.</summary>
    Female,
}
