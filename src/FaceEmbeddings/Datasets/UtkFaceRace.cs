namespace FaceEmbeddings.Datasets;

/// <summary>The race field of a UTKFace file name (<c>AGE_GENDER_RACE_DATE</c>), as the dataset defines it.</summary>
public enum UtkFaceRace
{
    /// <summary>Field value 0.</summary>
    White = 0,

    /// <summary>Field value 1.</summary>
    Black = 1,

    /// <summary>Field value 2.</summary>
    Asian = 2,

    /// <summary>Field value 3.</summary>
    Indian = 3,

    /// <summary>Field value 4 (the dataset's "Others": Hispanic, Latino, Middle Eastern, ...).</summary>
    Others = 4,
}
