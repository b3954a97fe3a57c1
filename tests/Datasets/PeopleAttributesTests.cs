using FaceEmbeddings.Datasets;

namespace FaceEmbeddings.Tests.Datasets;

/// <summary>The people → attributes table an identity-aware audit groups by.</summary>
public sealed class PeopleAttributesTests
{
    [Fact]
    public void Each_persons_group_joins_the_attributes_asked_for_in_their_order()
    {
        PeopleAttributes table = PeopleAttributes.Parse(
            "identity,gender,age_band\r\nobama,male,50s\n\"rose, leslie\",female,30s\n\nbiden,male,70s\n", "people.csv");

        table.Attributes.Should().Equal("gender", "age_band");
        table.People.Should().BeEquivalentTo("obama", "rose, leslie", "biden");
        table.GroupsOf(["biden", "rose, leslie", "biden"], ["gender"]).Should().Equal("male", "female", "male");
        table.GroupsOf(["obama", "rose, leslie"], ["age_band", "gender"]).Should().Equal("50s, male", "30s, female");
    }

    [Theory]
    [InlineData("", "people.csv: the file is empty*")]
    [InlineData("name,gender\nobama,male\n", "people.csv: the header needs an 'identity' column*name, gender*")]
    [InlineData("identity\nobama\n", "people.csv: the header needs*at least one attribute column*")]
    [InlineData("identity,gender\nobama,male\nbiden\n", "people.csv: line 3 has 1 cells, the header 2.")]
    [InlineData("identity,gender\nobama, \n", "people.csv: line 2 has an empty cell.")]
    [InlineData("identity,gender\nobama,male\nobama,male\n", "people.csv: person 'obama' appears twice.")]
    public void A_malformed_table_is_refused_naming_the_file_and_line(string text, string message)
    {
        FluentActions.Invoking(() => PeopleAttributes.Parse(text, "people.csv"))
            .Should().Throw<PeopleAttributesException>().WithMessage(message).Which.Table.Should().Be("people.csv");
    }

    [Fact]
    public async Task Missing_people_files_and_unknown_columns_are_named()
    {
        PeopleAttributes table = PeopleAttributes.Parse("identity,gender\nobama,male\n", "people.csv");

        FluentActions.Invoking(() => table.GroupsOf(["obama", "biden", "harris"], ["gender"]))
            .Should().Throw<PeopleAttributesException>().WithMessage("people.csv: no row for 'biden', 'harris'.");
        FluentActions.Invoking(() => table.GroupsOf(["obama"], ["age"]))
            .Should().Throw<ArgumentException>().WithMessage("age: no such column in people.csv; the columns are gender.*");
        await FluentActions.Awaiting(() => PeopleAttributes.LoadAsync("/nowhere/people.csv"))
            .Should().ThrowAsync<FileNotFoundException>().WithMessage("/nowhere/people.csv: no such file.");
    }
}
