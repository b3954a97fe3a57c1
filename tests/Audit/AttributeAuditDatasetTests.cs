using FaceEmbeddings.Attributes;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Tests.Attributes;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Audit;

/// <summary>
/// <see cref="AttributeAudit.RunAsync"/> over a labelled folder: twelve UTKFace chips (six labelled male, six female, by
/// their file names), plus one file that is not an image. The figures are checked against the names and against the
/// analyzer run on each chip directly.
/// </summary>
[Collection(FaceApiAttributesTestGroup.Name)]
public sealed class AttributeAuditDatasetTests(FaceApiAttributesReference reference) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("attribute-audit-dataset-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The first six chips of each gender in name order, copied to a scratch folder, with a broken file beside them.</summary>
    private string[] CopyChips()
    {
        string[] chips = Directory.GetFiles(SharedData.PathOf("data/utkface"), "*.jpg").Order(StringComparer.Ordinal)
            .GroupBy(path => Path.GetFileName(path).Split('_')[1]).OrderBy(group => group.Key)
            .SelectMany(group => group.Take(6)).ToArray();
        foreach (string chip in chips)
            File.Copy(chip, Path.Combine(_folder, Path.GetFileName(chip)));
        File.WriteAllText(Path.Combine(_folder, "30_1_0_20170101000000000.jpg.chip.jpg"), "not a JPEG");
        return chips;
    }

    [Fact]
    public async Task A_labelled_folder_is_analysed_face_by_face_and_audited_per_group()
    {
        string[] chips = CopyChips();
        using var detector = await MtcnnFaceDetector.CreateAsync(new MtcnnOptions(), new ModelStore(SharedData.PathOf("models")));
        var reports = new List<FaceDatasetProgress>();

        AttributeAuditResult result = await AttributeAudit.RunAsync(FaceDataset.FromUtkFace(_folder), detector, reference.Analyzer,
            [UtkFaceLabels.GenderKey], new AttributeAuditOptions { Resamples = 200, Permutations = 99 }, progress: new Progress(reports));

        // Independently: each chip's selected face analysed on its own, gender errors counted against the name's label.
        int errors = 0, faces = 0;
        foreach (string chip in chips)
        {
            using var image = FaceImage.Load(chip);
            IReadOnlyList<DetectedFace> found = detector.Detect(image);
            if (found.Count == 0) continue;
            FaceAttributes predicted = reference.Analyzer.Analyze(image, [found[0]])[0];
            ApparentGender labelled = Path.GetFileName(chip).Split('_')[1] == "1" ? ApparentGender.Female : ApparentGender.Male;
            faces++;
            if (predicted.Gender != labelled) errors++;
        }
        result.Faces.Should().Be(faces);
        result.Groups.Select(group => group.Group).Should().BeEquivalentTo("male", "female");
        result.Groups.Sum(group => group.GenderErrors).Should().Be(errors);
        reports.Should().Contain(report => report.LastSkipped != null && report.LastSkipped.Reason == SkipReason.Unreadable, "the broken file is reported");
        reports[^1].Completed.Should().Be(chips.Length + 1, "every file, read or not, is counted");
    }

    [Fact]
    public async Task A_folder_without_age_and_gender_labels_is_refused_before_anything_runs()
    {
        using var detector = await MtcnnFaceDetector.CreateAsync(new MtcnnOptions(), new ModelStore(SharedData.PathOf("models")));

        (await FluentActions.Awaiting(() => AttributeAudit.RunAsync(FaceDataset.FromImageFolder(SharedData.PathOf("data/people")), detector,
                reference.Analyzer, [FaceLabels.FolderKey]))
            .Should().ThrowAsync<AuditGroupsException>())
            .WithMessage("The attribute audit needs age and gender labels, as UTKFace names give; the labels of '*' are label. (Parameter 'dataset')");
    }

    /// <summary>Collects reports as they come, on the reporting thread (System.Progress would post them later).</summary>
    private sealed class Progress(List<FaceDatasetProgress> reports) : IProgress<FaceDatasetProgress>
    {
        public void Report(FaceDatasetProgress value)
        {
            lock (reports) reports.Add(value);
        }
    }
}
