namespace FaceEmbeddings.Datasets;

/// <summary>The gender field of a UTKFace file name (<c>AGE_GENDER_RACE_DATE</c>).</summary>
public enum UtkFaceGender
{
    /// <summary>Field value 0.</summary>
    Male = 0,

    /// <summary>Field value 1.</summary>
    Female = 1,
}
