namespace FaceEmbeddings.Attributes;

/// <summary>
/// What face-api's networks predict for one face crop: apparent age, apparent gender and expression. These are
/// estimates from appearance, biased in ways the attribute audit measures; they must not be used to make decisions about people.
/// </summary>
/// <param name="Age">Apparent age in years, as the network regresses it (not rounded, not clamped).</param>
/// <param name="Gender">The more probable of the two apparent-gender labels.</param>
/// <param name="GenderProbability">The probability of <paramref name="Gender"/>, from 0.5 to 1 (face-api's <c>genderProbability</c>).</param>
/// <param name="MaleProbability">The probability of <see cref="ApparentGender.Male"/>, from 0 to 1.</param>
/// <param name="Expressions">The probability of each expression.</param>
public sealed record FaceAttributes(float Age, ApparentGender Gender, float GenderProbability, float MaleProbability, FaceExpressions Expressions);
