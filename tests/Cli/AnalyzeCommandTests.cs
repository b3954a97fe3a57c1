using System.Text.Json;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Cli;

public sealed class AnalyzeCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("faceembed-analyze-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Json_names_each_faces_image_age_and_gender_as_face_api_sees_the_photos()
    {
        string people = SharedData.PathOf("data/people");
        string rose = Path.Combine(people, "rose_leslie");

        ToolRun run = await FaceEmbedTool.RunAsync("analyze", rose, Path.Combine(people, "biden", "biden.jpg"), "--json",
            "--models", SharedData.PathOf("models"));

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var faces = json.RootElement.EnumerateArray().ToList();
        faces.Should().HaveCount(3, "one face in each of rose_leslie's two photos and in biden.jpg");
        // face-api's own results on 1.2× squares around the same MTCNN boxes (fixtures/face_api_attributes, rows 41, 46, 47);
        // the crops here are resized from the photo by TF's bilinear rather than by PIL's antialiasing filter, so ages differ by years.
        var expected = new Dictionary<string, (string Gender, double Age)>
        {
            ["img1.jpg"] = ("female", 25.7),
            ["img2.jpg"] = ("female", 29.4),
            ["biden.jpg"] = ("male", 54.1),
        };
        foreach (JsonElement face in faces)
        {
            string image = face.GetProperty("image").GetString()!;
            (string gender, double age) = expected[Path.GetFileName(image)];
            face.GetProperty("gender").GetString().Should().Be(gender, image);
            face.GetProperty("age").GetDouble().Should().BeApproximately(age, 8, image);
            face.GetProperty("genderProbability").GetDouble().Should().BeInRange(0.5, 1);
            face.GetProperty("box").GetArrayLength().Should().Be(4);
            face.GetProperty("expressions").EnumerateObject().Select(p => p.Name).Should()
                .Equal("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised");
            face.GetProperty("expressions").EnumerateObject().Sum(p => p.Value.GetDouble()).Should().BeApproximately(1, 1e-5);
        }
    }

    [Fact]
    public async Task The_table_shows_every_face_and_images_without_one_and_an_unreadable_image_fails_the_run()
    {
        string broken = Path.Combine(_directory, "broken.jpg");
        File.WriteAllBytes(broken, "not a jpeg"u8.ToArray());

        ToolRun run = await FaceEmbedTool.RunAsync("analyze", SharedData.PathOf("data/people/kit_harington/john1.jpeg"),
            SharedData.PathOf("fixtures/images/blank.png"), broken, "--models", SharedData.PathOf("models"));

        run.ExitCode.Should().Be(1, run.ToString());
        run.ErrorLines[^1].Should().StartWith("faceembed: 1 of 3 images could not be read");
        string[] rows = run.Output.Split('\n').Where(line => line.StartsWith('│')).ToArray();
        rows[0].Should().ContainAll("Image", "Age", "Gender", "Probability", "Expression");
        rows.Should().ContainSingle(row => row.Contains("john1.jpeg", StringComparison.Ordinal) && row.Contains(" male ", StringComparison.Ordinal));
        rows.Should().ContainSingle(row => row.Contains("blank.png", StringComparison.Ordinal) && row.Contains("no face", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_folder_without_images_is_a_usage_error()
    {
        ToolRun run = await FaceEmbedTool.RunAsync("analyze", _directory, "--models", SharedData.PathOf("models"));

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines[^1].Should().Contain("holds no images");
    }
}
