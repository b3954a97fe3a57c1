using FaceEmbeddings.Attributes;

namespace FaceEmbeddings.Audit;

/// <summary>What a labelled dataset says about one face, for <see cref="AttributeAudit"/>: the annotators' age and binary gender label.</summary>
/// <param name="Age">The labelled age in years, finite and not negative.</param>
/// <param name="Gender">The labelled gender.</param>
public sealed record AttributeLabels(double Age, ApparentGender Gender);
