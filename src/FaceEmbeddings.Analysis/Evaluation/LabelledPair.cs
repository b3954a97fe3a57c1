namespace FaceEmbeddings.Evaluation;

/// <summary>Two faces (rows of an embedding matrix) and whether they are of the same person.</summary>
/// <param name="First">The first face's row.</param>
/// <param name="Second">The second face's row.</param>
/// <param name="SamePerson">True when both faces are of one person.</param>
public readonly record struct LabelledPair(int First, int Second, bool SamePerson);
