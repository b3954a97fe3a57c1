using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>
/// The people behind the faces of an audit: each face's person (numbered in order of first appearance), each person's
/// faces and group. Without identities every face is its own person. A person belongs to exactly one group, so
/// resampling people within a group never moves a face across groups.
/// </summary>
internal sealed class AuditPeople
{
    private AuditPeople(int[] personOfFace, int[] groupOfPerson, int[][] facesOfPerson, bool hasIdentities)
    {
        PersonOfFace = personOfFace;
        GroupOfPerson = groupOfPerson;
        FacesOfPerson = facesOfPerson;
        HasIdentities = hasIdentities;
    }

    /// <summary>For each face, its person.</summary>
    public IReadOnlyList<int> PersonOfFace { get; }

    /// <summary>For each person, the index of their group in the <see cref="GroupIndex"/>.</summary>
    public IReadOnlyList<int> GroupOfPerson { get; }

    /// <summary>For each person, their faces (rows) in input order.</summary>
    public IReadOnlyList<IReadOnlyList<int>> FacesOfPerson { get; }

    /// <summary>Whether identities were given.</summary>
    public bool HasIdentities { get; }

    public int Count => GroupOfPerson.Count;

    /// <summary>The people of group <paramref name="group"/>, in order.</summary>
    public int[] InGroup(int group) => Enumerable.Range(0, Count).Where(person => GroupOfPerson[person] == group).ToArray();

    /// <summary>Indexes <paramref name="identities"/> (null: one person per face) against the groups.</summary>
    /// <exception cref="ArgumentException">The count is wrong, an identity is null or empty, or one identity appears in two groups.</exception>
    public static AuditPeople Of(IReadOnlyList<string>? identities, GroupIndex groups, string parameterName)
    {
        int faces = groups.Codes.Count;
        if (identities is null)
            return new AuditPeople(Enumerable.Range(0, faces).ToArray(), groups.Codes.ToArray(),
                Enumerable.Range(0, faces).Select(face => new[] { face }).ToArray(), hasIdentities: false);
        if (identities.Count != faces)
            throw new ArgumentException($"'{parameterName}' must hold one identity per embedding ({faces}); got {identities.Count}.", parameterName);

        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var personOfFace = new int[faces];
        var groupOfPerson = new List<int>();
        var facesOfPerson = new List<List<int>>();
        for (int face = 0; face < faces; face++)
        {
            string? identity = identities[face];
            if (string.IsNullOrEmpty(identity))
                throw new ArgumentException($"'{parameterName}' has a {(identity is null ? "null" : "empty")} identity at index {face}.", parameterName);
            int group = groups.Codes[face];
            if (!positions.TryGetValue(identity, out int person))
            {
                person = groupOfPerson.Count;
                positions.Add(identity, person);
                groupOfPerson.Add(group);
                facesOfPerson.Add([]);
            }
            else if (groupOfPerson[person] != group)
            {
                throw new ArgumentException(
                    $"'{parameterName}': person '{identity}' has faces in two groups, '{groups.Names[groupOfPerson[person]]}' and '{groups.Names[group]}' (face {face}); a person belongs to one group.",
                    parameterName);
            }
            personOfFace[face] = person;
            facesOfPerson[person].Add(face);
        }
        return new AuditPeople(personOfFace, groupOfPerson.ToArray(), facesOfPerson.Select(f => f.ToArray()).ToArray(), hasIdentities: true);
    }
}
