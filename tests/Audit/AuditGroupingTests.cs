using FaceEmbeddings.Audit;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Audit;

/// <summary>One grouping decides the audit's groups and identities, and the crops its report keeps.</summary>
public sealed class AuditGroupingTests
{
    private static readonly DetectedFace Face = new(new BoundingBox(0, 0, 50, 50), 0.99f,
        Enumerable.Repeat(new FacePoint(25, 25), DetectedFace.LandmarkCount).ToArray());

    /// <summary>Eight faces of four people (two each, in folders), labelled with a colour that is not the people's group.</summary>
    private static FaceEmbeddingSet People()
    {
        string[] folders = ["ann", "ann", "bob", "bob", "cy", "cy", "dee", "dee"];
        string[] colours = ["red", "blue", "red", "blue", "red", "blue", "red", "blue"];
        var faces = folders.Select((folder, i) => new EmbeddedFace(
            new FaceDatasetItem($"{folder}/{i}.jpg", new FaceLabels([KeyValuePair.Create(FaceLabels.FolderKey, folder), KeyValuePair.Create("colour", colours[i])])),
            0, Face)).ToArray();
        using var generator = new TorchSharp.torch.Generator(5);
        return new FaceEmbeddingSet("people", [FaceLabels.FolderKey, "colour"], faces, randn([8, 4], generator: generator), [], null, []);
    }

    private static readonly PeopleAttributes Table = PeopleAttributes.Parse("identity,team,age\nann,x,30s\nbob,x,40s\ncy,y,30s\ndee,y,40s\n", "people.csv");

    [Fact]
    public void Labels_group_each_face_by_its_own_labels_and_people_by_their_persons_row()
    {
        using FaceEmbeddingSet set = People();
        AuditGrouping byColour = AuditGrouping.ByLabels(["colour"]);
        AuditGrouping byTeam = AuditGrouping.ByPeople(Table, ["team"]);

        byColour.GroupsOf(set).Should().Equal("red", "blue", "red", "blue", "red", "blue", "red", "blue");
        byColour.IdentitiesOf(set).Should().BeNull();
        byTeam.GroupsOf(set).Should().Equal("x", "x", "x", "x", "y", "y", "y", "y");
        byTeam.IdentitiesOf(set).Should().Equal("ann", "ann", "bob", "bob", "cy", "cy", "dee", "dee");
        byTeam.GroupOf(set.Faces[5].Item).Should().Be("y");
        AuditGrouping.ByPeople(Table).Keys.Should().Equal("team", "age");
    }

    [Fact]
    public void Auditing_a_set_by_its_grouping_is_auditing_its_embeddings_by_those_groups()
    {
        using FaceEmbeddingSet set = People();
        AuditGrouping byTeam = AuditGrouping.ByPeople(Table, ["team"]);
        var options = new BiasAuditOptions { Resamples = 0, FalseMatchRates = [0.1] };

        BiasAuditResult fromSet = BiasAudit.Run(set, byTeam, options);
        BiasAuditResult fromTensor = BiasAudit.Run(set.Embeddings, ["x", "x", "x", "x", "y", "y", "y", "y"],
            ["ann", "ann", "bob", "bob", "cy", "cy", "dee", "dee"], options);

        fromSet.Groups.Select(group => (group.Group, group.People, group.WithinSumOfSquares)).Should()
            .Equal(fromTensor.Groups.Select(group => (group.Group, group.People, group.WithinSumOfSquares)));
        fromSet.DifferentPersonPairs.Should().Be(24, "8 faces, 28 pairs, less the 4 same-person pairs");
    }

    [Fact]
    public void Unknown_columns_and_people_are_refused_by_name()
    {
        using FaceEmbeddingSet set = People();
        PeopleAttributes partial = PeopleAttributes.Parse("identity,team\nann,x\n", "few.csv");

        FluentActions.Invoking(() => AuditGrouping.ByPeople(Table, ["shoe size"])).Should().Throw<ArgumentException>().WithMessage("shoe size: no such column in people.csv*");
        FluentActions.Invoking(() => AuditGrouping.ByPeople(partial).GroupsOf(set)).Should().Throw<PeopleAttributesException>().WithMessage("few.csv: no row for 'bob', 'cy', 'dee'.");
        FluentActions.Invoking(() => AuditGrouping.ByLabels([])).Should().Throw<ArgumentException>();
    }
}
