using FaceEmbeddings.Datasets;

namespace FaceEmbeddings.Tests.Datasets;

public sealed class UtkFaceLabelsTests
{
    [Theory]
    [InlineData("10_0_0_20170110215927291.jpg.chip.jpg", 10, UtkFaceGender.Male, UtkFaceRace.White, "20170110215927291")]
    [InlineData("26_1_1_20170116232526466.jpg.chip.jpg", 26, UtkFaceGender.Female, UtkFaceRace.Black, "20170116232526466")]
    [InlineData("1_1_2_20161219154612988.jpg.chip.jpg", 1, UtkFaceGender.Female, UtkFaceRace.Asian, "20161219154612988")]
    [InlineData("116_0_3_20170120134921760.jpg.chip.jpg", 116, UtkFaceGender.Male, UtkFaceRace.Indian, "20170120134921760")]
    [InlineData("0_1_4_20170109193440413.jpg", 0, UtkFaceGender.Female, UtkFaceRace.Others, "20170109193440413")]
    [InlineData("/data/utk/45_0_4_20170117190000000.jpg.chip.jpg", 45, UtkFaceGender.Male, UtkFaceRace.Others, "20170117190000000")]
    public void Reads_age_gender_race_and_date_from_a_valid_name(string name, int age, UtkFaceGender gender, UtkFaceRace race, string date)
    {
        UtkFaceLabels.TryParse(name, out var labels, out var problem).Should().BeTrue(problem);
        labels.Should().Be(new UtkFaceLabels(age, gender, race, date));
        UtkFaceLabels.Parse(name).Should().Be(labels);
    }

    [Fact]
    public void Labels_spell_out_the_dataset_codes()
    {
        var labels = UtkFaceLabels.Parse("26_1_1_20170116232526466.jpg.chip.jpg").ToFaceLabels();

        labels.Keys.Should().Equal("age", "gender", "race");
        labels["age"].Should().Be("26");
        labels["gender"].Should().Be("female");
        labels["race"].Should().Be("Black");
        labels.ToString().Should().Be("age=26, gender=female, race=Black");
        UtkFaceLabels.Parse("30_0_3_20170116232526466.jpg.chip.jpg").ToFaceLabels().Values.Should().Equal("30", "male", "Indian");
    }

    [Theory]
    // UTKFace itself ships three names with a missing field, like the first one.
    [InlineData("39_1_20170116174525125.jpg.chip.jpg", "expected 4 fields")]
    [InlineData("39_1_0_2_20170116174525125.jpg.chip.jpg", "found 5")]
    [InlineData("abc_1_0_20170116174525125.jpg.chip.jpg", "the age 'abc'")]
    [InlineData("-3_1_0_20170116174525125.jpg.chip.jpg", "the age '-3'")]
    [InlineData("117_1_0_20170116174525125.jpg.chip.jpg", "the age '117'")]
    [InlineData("99999999999_1_0_20170116174525125.jpg.chip.jpg", "the age '99999999999'")]
    [InlineData("20_2_0_20170116174525125.jpg.chip.jpg", "the gender '2'")]
    [InlineData("20__0_20170116174525125.jpg.chip.jpg", "the gender ''")]
    [InlineData("20_1_5_20170116174525125.jpg.chip.jpg", "the race '5'")]
    [InlineData("20_1_ 1_20170116174525125.jpg.chip.jpg", "the race ' 1'")]
    [InlineData("20_1_1_2017x0116.jpg.chip.jpg", "the date '2017x0116'")]
    [InlineData("20_1_1_.jpg", "the date ''")]
    [InlineData("portrait.jpg", "found 1")]
    public void Rejects_an_invalid_name_saying_which_field_is_wrong(string name, string expectedProblem)
    {
        UtkFaceLabels.TryParse(name, out var labels, out var problem).Should().BeFalse();
        labels.Should().BeNull();
        problem.Should().Contain(expectedProblem);

        var parse = () => UtkFaceLabels.Parse(name);
        parse.Should().Throw<FormatException>().WithMessage($"*'{name}'*{expectedProblem}*");
    }
}
