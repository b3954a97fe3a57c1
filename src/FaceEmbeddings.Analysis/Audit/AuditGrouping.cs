using FaceEmbeddings.Datasets;

namespace FaceEmbeddings.Audit;

/// <summary>
/// How an audit groups the faces of a <see cref="FaceEmbeddingSet"/>: by their own labels (e.g. UTKFace's race and
/// gender), or by their person's attributes in a <see cref="PeopleAttributes"/> table (the person is the face's folder,
/// and then the audit knows identities). The one place both the audit and the faces kept for its report ask.
/// </summary>
public sealed class AuditGrouping
{
    private readonly PeopleAttributes? people;

    private AuditGrouping(IReadOnlyList<string> keys, PeopleAttributes? people)
    {
        Keys = keys;
        this.people = people;
    }

    /// <summary>The labels, or the people file's attribute columns, that make a group, in order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Groups faces by their labels <paramref name="keys"/> (<see cref="GroupLabels.Of"/>); every face is its own person.</summary>
    /// <exception cref="ArgumentException">No key is given.</exception>
    public static AuditGrouping ByLabels(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0) throw new ArgumentException("Group by at least one label.", nameof(keys));
        return new AuditGrouping(keys.ToArray(), null);
    }

    /// <summary>Groups faces by the <paramref name="attributes"/> of their person (their <see cref="FaceLabels.FolderKey"/>
    /// label) in <paramref name="table"/>; all of <paramref name="table"/>'s attributes when null or empty.</summary>
    /// <exception cref="ArgumentException">An attribute is not a column of the table.</exception>
    public static AuditGrouping ByPeople(PeopleAttributes table, IReadOnlyList<string>? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        IReadOnlyList<string> keys = attributes is { Count: > 0 } ? attributes.ToArray() : table.Attributes;
        table.ColumnsOf(keys);
        return new AuditGrouping(keys, table);
    }

    /// <summary>The group of one image of a dataset.</summary>
    /// <exception cref="PeopleAttributesException">The image's person is not in the people table.</exception>
    public string GroupOf(FaceDatasetItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return people is null ? GroupLabels.Of(item.Labels, Keys) : people.GroupsOf([PersonOf(item)], Keys)[0];
    }

    /// <summary>The group of each face of <paramref name="set"/>, in its order.</summary>
    /// <exception cref="PeopleAttributesException">A face's person is not in the people table.</exception>
    public IReadOnlyList<string> GroupsOf(FaceEmbeddingSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return people is null ? set.GroupNames(Keys) : people.GroupsOf(IdentitiesOf(set)!, Keys);
    }

    /// <summary>The person of each face of <paramref name="set"/> when the grouping knows identities, else null.</summary>
    public IReadOnlyList<string>? IdentitiesOf(FaceEmbeddingSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return people is null ? null : set.GroupNames([FaceLabels.FolderKey]);
    }

    private static string PersonOf(FaceDatasetItem item) => item.Labels[FaceLabels.FolderKey];
}
