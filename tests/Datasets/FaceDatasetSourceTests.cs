using FaceEmbeddings.Datasets;

namespace FaceEmbeddings.Tests.Datasets;

public sealed class FaceDatasetSourceTests : IDisposable
{
    private readonly DatasetFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void An_image_folder_labels_each_image_with_its_subfolder_and_rejects_images_outside_one()
    {
        string alex = _folder.CopyPerson("alex_lacamoire", "img1.jpg", "alex/img1.jpg");
        string biden1 = _folder.CopyPerson("biden", "biden.jpg", "biden/biden.jpg");
        string biden2 = _folder.CopyPerson("biden", "biden2.jpg", "biden/2024/biden2.JPG");
        string broken = _folder.Write("biden/broken.png", "not an image"u8.ToArray());
        _folder.Write("biden/notes.txt", "ignored: not an image extension"u8.ToArray());
        string loose = _folder.CopyPerson("obama", "obama.jpg", "loose.jpg");

        var dataset = FaceDataset.FromImageFolder(_folder.Root);

        dataset.Items.Select(item => item.Path).Should().Equal(alex, biden2, biden1, broken);
        dataset.Items.Select(item => item.Labels["label"]).Should().Equal("alex", "biden", "biden", "biden");
        dataset.LabelKeys.Should().Equal("label");
        dataset.Rejected.Should().ContainSingle()
            .Which.Should().Match<SkippedImage>(skip => skip.Path == loose && skip.Reason == SkipReason.InvalidLabels
                && skip.Message.Contains("loose.jpg") && skip.Message.Contains("label folder"));
    }

    [Fact]
    public void A_glob_takes_the_matching_files_and_labels_them_with_their_folder()
    {
        string biden1 = _folder.CopyPerson("biden", "biden.jpg", "faces/biden/a.jpg");
        string biden2 = _folder.CopyPerson("biden", "biden2.jpg", "faces/biden/b.JPG");
        _folder.CopyPerson("biden", "biden2.jpg", "faces/biden/c.png");
        string obama = _folder.CopyPerson("obama", "obama.jpg", "faces/obama/deeper/o.jpg");

        var bidenOnly = FaceDataset.FromGlob("faces/biden/*.jpg", _folder.Root);
        bidenOnly.Items.Select(item => item.Path).Should().Equal(biden1, biden2);
        bidenOnly.Items.Should().OnlyContain(item => item.Labels["label"] == "biden");

        var anyDepth = FaceDataset.FromGlob(Path.Combine(_folder.Root, "faces/**/*.jpg"));
        anyDepth.Items.Select(item => item.Path).Should().Equal(biden1, biden2, obama);
        anyDepth.Items.Select(item => item.Labels["label"]).Should().Equal("biden", "biden", "deeper");
    }

    [Fact]
    public void UtkFace_names_give_the_labels_and_invalid_names_are_rejected_not_fatal()
    {
        string black = _folder.CopyUtkFace("10_1_1_20170109202938302.jpg.chip.jpg");
        string white = _folder.CopyUtkFace("10_1_0_20161220222001459.jpg.chip.jpg");
        string invalid = _folder.CopyUtkFace("10_1_0_20170103175323250.jpg.chip.jpg", "39_1_20170116174525125.jpg.chip.jpg");

        var dataset = FaceDataset.FromUtkFace(_folder.Root);

        dataset.Items.Select(item => item.Path).Should().Equal(white, black);
        dataset.Items.Select(item => item.Labels.ToString()).Should().Equal("age=10, gender=female, race=White", "age=10, gender=female, race=Black");
        dataset.LabelKeys.Should().Equal("age", "gender", "race");
        dataset.Rejected.Should().ContainSingle()
            .Which.Should().Match<SkippedImage>(skip => skip.Path == invalid && skip.Reason == SkipReason.InvalidLabels
                && skip.Message.Contains("39_1_20170116174525125.jpg.chip.jpg") && skip.Message.Contains("expected 4 fields"));

        var blackOnly = FaceDataset.FromUtkFace("*_1_1_*.jpg", _folder.Root);
        blackOnly.Items.Select(item => item.Path).Should().Equal(black);
    }

    [Fact]
    public void A_missing_folder_is_named_in_the_error()
    {
        string missing = _folder.PathOf("nowhere");

        FluentActions.Invoking(() => FaceDataset.FromImageFolder(missing))
            .Should().Throw<DirectoryNotFoundException>().WithMessage($"*'{missing}'*");
        FluentActions.Invoking(() => FaceDataset.FromUtkFace(missing))
            .Should().Throw<DirectoryNotFoundException>().WithMessage($"*'{missing}'*");
        FluentActions.Invoking(() => FaceDataset.FromGlob(Path.Combine(missing, "*.jpg")))
            .Should().Throw<DirectoryNotFoundException>().WithMessage($"*'{missing}'*");
    }
}
