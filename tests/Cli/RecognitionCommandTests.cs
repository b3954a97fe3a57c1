using System.Text.Json;
using FaceEmbeddings.DependencyInjection;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Tests.Store;

namespace FaceEmbeddings.Tests.Cli;

/// <summary>
/// <c>faceembed gallery add|list|remove</c>, <c>identify</c> and <c>verify</c> end to end on ../shared/data/people
/// (5 people, 9 photos, one folder each) as the README shows them. The encoder is the random-weight checkpoint:
/// this is plumbing only. Its embeddings say nothing about who is who, so the tests identify and verify photos that
/// were enrolled (distance 0, which any encoder must get right) and check counts, labels, formats and exit codes.
/// </summary>
public sealed class RecognitionCommandTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string People => SharedData.PathOf("data/people");

    private static string[] Encoder => ["--weights", SharedData.PathOf(FaceNetReference.CheckpointPath), "--models", SharedData.PathOf("models"), "--offline"];

    [Fact]
    public async Task Enrol_the_people_folder_list_identify_and_remove_as_a_new_user_would()
    {
        string gallery = Path.Combine(_folder.Path, "people.gallery");
        string obama = Path.Combine(People, "obama", "obama.jpg");

        ToolRun add = await FaceEmbedTool.RunAsync(["gallery", "add", People, "--gallery", gallery, .. Encoder]);
        ToolRun list = await FaceEmbedTool.RunAsync("gallery", "list", "--gallery", gallery, "--json");
        ToolRun identify = await FaceEmbedTool.RunAsync(["identify", obama, "--gallery", gallery, "--top", "2", "--threshold", "0.001", "--json", .. Encoder]);
        ToolRun table = await FaceEmbedTool.RunAsync(["identify", obama, "--gallery", gallery, .. Encoder]);
        ToolRun remove = await FaceEmbedTool.RunAsync("gallery", "remove", "obama", "--gallery", gallery);
        ToolRun removeAgain = await FaceEmbedTool.RunAsync("gallery", "remove", "obama", "--gallery", gallery);
        ToolRun listAfter = await FaceEmbedTool.RunAsync("gallery", "list", "--gallery", gallery);

        add.ExitCode.Should().Be(0, add.ToString());
        add.Output.Trim().Should().Be(gallery);
        string[] folders = Directory.GetDirectories(People).Select(dir => Path.GetFileName(dir)!).Order(StringComparer.Ordinal).ToArray();
        list.ExitCode.Should().Be(0, list.ToString());
        using (JsonDocument listed = JsonDocument.Parse(list.Output))
        {
            JsonElement[] identities = listed.RootElement.GetProperty("identities").EnumerateArray().ToArray();
            identities.Select(identity => identity.GetProperty("name").GetString()).Should().Equal(folders, "labels come from the folder names");
            identities.Select(identity => identity.GetProperty("faces").GetInt32()).Should()
                .Equal(folders.Select(name => Directory.GetFiles(Path.Combine(People, name)).Length), "each photo shows one face");
            // The name a service configured with the same checkpoint gives its encoder, so that it reads this gallery.
            string checkpoint = SharedData.PathOf(FaceNetReference.CheckpointPath);
            listed.RootElement.GetProperty("model").GetString().Should().Be(Path.GetFileNameWithoutExtension(checkpoint))
                .And.Be(new FaceEmbeddingsOptions { EncoderCheckpoint = checkpoint }.ModelSource.Name);
        }

        identify.ExitCode.Should().Be(0, identify.ToString());
        using (JsonDocument found = JsonDocument.Parse(identify.Output))
        {
            JsonElement face = found.RootElement.GetProperty("images")[0].GetProperty("faces")[0];
            face.GetProperty("unknown").GetBoolean().Should().BeFalse(identify.ToString());
            JsonElement[] matches = face.GetProperty("matches").EnumerateArray().ToArray();
            matches.Should().ContainSingle("only the enrolled photo itself lies within 0.001");
            matches[0].GetProperty("identity").GetString().Should().Be("obama");
            matches[0].GetProperty("distance").GetDouble().Should().BeLessThan(1e-3);
        }
        table.ExitCode.Should().Be(0, table.ToString());
        table.Output.Should().Contain("obama");
        table.Error.Should().Contain("no published", "the random-weight checkpoint has no known threshold, and the tool says so");

        remove.ExitCode.Should().Be(0, remove.ToString());
        removeAgain.ExitCode.Should().Be(1, removeAgain.ToString());
        removeAgain.ErrorLines.Should().ContainSingle().Which.Should().Contain("has no 'obama'");
        listAfter.ExitCode.Should().Be(0, listAfter.ToString());
        listAfter.Output.Should().NotContain("obama").And.Contain("biden");
    }

    [Fact]
    public async Task Verify_says_same_person_for_a_photo_and_itself_and_needs_a_threshold_for_an_unknown_model()
    {
        string biden = Path.Combine(People, "biden", "biden.jpg");

        ToolRun same = await FaceEmbedTool.RunAsync(["verify", biden, biden, "--threshold", "0.001", .. Encoder]);
        ToolRun json = await FaceEmbedTool.RunAsync(["verify", biden, Path.Combine(People, "obama", "obama.jpg"), "--threshold", "0.001", "--json", .. Encoder]);
        ToolRun noThreshold = await FaceEmbedTool.RunAsync(["verify", biden, biden, .. Encoder]);

        same.ExitCode.Should().Be(0, same.ToString());
        same.Output.Should().StartWith("same person");
        json.ExitCode.Should().Be(0, json.ToString());
        using (JsonDocument result = JsonDocument.Parse(json.Output))
        {
            result.RootElement.GetProperty("match").GetBoolean().Should().BeFalse("two different photos are not within 0.001");
            result.RootElement.GetProperty("distance").GetDouble().Should().BeGreaterThan(0.001);
        }
        noThreshold.ExitCode.Should().Be(2, noThreshold.ToString());
        noThreshold.ErrorLines.Should().ContainSingle().Which.Should().Contain("--threshold");
    }

    /// <summary>
    /// face-api's network (real weights) through <c>--encoder</c>: the gallery records it by its store name, and verify
    /// and identify take dlib's published threshold, not FaceNet's (a FaceNet threshold of 1.04 would match nearly every
    /// pair of its descriptors, whose distances lie around 0.4–0.8).
    /// </summary>
    /// <summary>
    /// In celebrities/mindy_kaling/train-7.jpg the largest "face" MTCNN finds is her hand (probability 0.93, at the bottom
    /// edge): verify takes the largest face MTCNN is sure of by default, and the hand only with <c>--select largest</c>.
    /// </summary>
    [Fact]
    public async Task Verify_takes_the_photos_confident_face_unless_told_to_take_the_largest()
    {
        string[] faceApi = ["--encoder", "face-api-resnet", "--models", SharedData.PathOf("models"), "--offline", "--json"];
        string hand = SharedData.PathOf("data/celebrities/mindy_kaling/train-7.jpg"), face = SharedData.PathOf("data/celebrities/mindy_kaling/train-1.jpg");

        ToolRun confident = await FaceEmbedTool.RunAsync(["verify", hand, face, .. faceApi]);
        ToolRun largest = await FaceEmbedTool.RunAsync(["verify", hand, face, "--select", "largest", .. faceApi]);
        ToolRun unknown = await FaceEmbedTool.RunAsync(["verify", hand, face, "--select", "smallest", .. faceApi]);

        confident.ExitCode.Should().Be(0, confident.ToString());
        largest.ExitCode.Should().Be(0, largest.ToString());
        using (JsonDocument result = JsonDocument.Parse(confident.Output))
            result.RootElement.GetProperty("match").GetBoolean().Should().BeTrue();
        using (JsonDocument result = JsonDocument.Parse(largest.Output))
            result.RootElement.GetProperty("match").GetBoolean().Should().BeFalse("a hand is not her face");
        unknown.ExitCode.Should().Be(2, unknown.ToString());
        unknown.Error.Should().Contain("'smallest' not recognized").And.Contain("largest-confident");
    }

    [Fact]
    public async Task Verify_names_the_photo_without_a_face()
    {
        string blank = SharedData.PathOf("fixtures/images/blank.png"), obama = Path.Combine(People, "obama", "obama.jpg");

        ToolRun second = await FaceEmbedTool.RunAsync(["verify", obama, blank, "--threshold", "1", .. Encoder]);
        ToolRun first = await FaceEmbedTool.RunAsync(["verify", blank, obama, "--threshold", "1", .. Encoder]);

        foreach (ToolRun run in new[] { second, first })
        {
            run.ExitCode.Should().Be(1, run.ToString());
            run.ErrorLines.Should().ContainSingle().Which.Should().Be($"faceembed: No face was found in '{blank}'.");
        }
    }

    [Fact]
    public async Task Face_apis_encoder_is_recorded_by_name_and_brings_dlibs_threshold()
    {
        string[] faceApi = ["--encoder", "face-api-resnet", "--models", SharedData.PathOf("models"), "--offline"];
        string gallery = Path.Combine(_folder.Path, "face-api.gallery");
        string biden = Path.Combine(People, "biden", "biden.jpg"), obama = Path.Combine(People, "obama", "obama.jpg");

        ToolRun verify = await FaceEmbedTool.RunAsync(["verify", biden, obama, "--json", .. faceApi]);
        ToolRun add = await FaceEmbedTool.RunAsync(["gallery", "add", People, "--gallery", gallery, .. faceApi]);
        ToolRun list = await FaceEmbedTool.RunAsync("gallery", "list", "--gallery", gallery, "--json");
        ToolRun identify = await FaceEmbedTool.RunAsync(["identify", obama, "--gallery", gallery, "--json", .. faceApi]);
        ToolRun otherEncoder = await FaceEmbedTool.RunAsync(["identify", obama, "--gallery", gallery, .. Encoder]);

        verify.ExitCode.Should().Be(0, verify.ToString());
        using (JsonDocument result = JsonDocument.Parse(verify.Output))
        {
            result.RootElement.GetProperty("threshold").GetDouble().Should().BeApproximately(0.6, 1e-6);
            result.RootElement.GetProperty("thresholdSource").GetString().Should().Contain("dlib");
            result.RootElement.GetProperty("distance").GetDouble().Should().BeGreaterThan(0.6, "Biden and Obama are different people to face-api's network");
            result.RootElement.GetProperty("match").GetBoolean().Should().BeFalse();
        }
        add.ExitCode.Should().Be(0, add.ToString());
        using (JsonDocument listed = JsonDocument.Parse(list.Output))
            listed.RootElement.GetProperty("model").GetString().Should().Be("face-api-resnet");
        identify.ExitCode.Should().Be(0, identify.ToString());
        identify.Error.Should().Contain("Threshold 0.6").And.Contain("dlib");
        using (JsonDocument found = JsonDocument.Parse(identify.Output))
        {
            JsonElement face = found.RootElement.GetProperty("images")[0].GetProperty("faces")[0];
            face.GetProperty("matches")[0].GetProperty("identity").GetString().Should().Be("obama");
        }
        otherEncoder.ExitCode.Should().Be(1, otherEncoder.ToString());
        otherEncoder.ErrorLines.Should().ContainSingle().Which.Should().Contain("face-api-resnet");
    }

    [Fact]
    public async Task An_encrypted_gallery_takes_its_key_from_a_key_file_or_the_environment_and_never_from_the_command_line()
    {
        string gallery = Path.Combine(_folder.Path, "encrypted.gallery");
        string keyFile = Path.Combine(_folder.Path, "gallery.key");
        string key;
        using (var generated = FaceEmbeddings.Recognition.GalleryEncryptionKey.Generate()) key = generated.ToBase64();
        await File.WriteAllTextAsync(keyFile, key + "\n");
        var environment = new Dictionary<string, string> { ["FACEEMBEDDINGS_GALLERY_KEY"] = key };

        ToolRun add = await FaceEmbedTool.RunAsync(["gallery", "add", People, "--gallery", gallery, "--gallery-key-file", keyFile, .. Encoder]);
        byte[] file = await File.ReadAllBytesAsync(gallery);
        ToolRun withoutKey = await FaceEmbedTool.RunAsync("gallery", "list", "--gallery", gallery);
        ToolRun remove = await FaceEmbedTool.RunAsync(["gallery", "remove", "obama", "--gallery", gallery], environment: environment);
        ToolRun list = await FaceEmbedTool.RunAsync(["gallery", "list", "--gallery", gallery, "--json"], environment: environment);
        ToolRun keyAsValue = await FaceEmbedTool.RunAsync("gallery", "list", "--gallery", gallery, "--gallery-key", key);
        ToolRun badKey = await FaceEmbedTool.RunAsync(["gallery", "list", "--gallery", gallery], environment: new Dictionary<string, string> { ["FACEEMBEDDINGS_GALLERY_KEY"] = "hunter2" });

        add.ExitCode.Should().Be(0, add.ToString());
        file.AsSpan().IndexOf("obama"u8).Should().Be(-1, "names are encrypted with the faces");
        withoutKey.ExitCode.Should().Be(1, withoutKey.ToString());
        withoutKey.ErrorLines.Should().ContainSingle().Which.Should().Contain("encrypted");
        remove.ExitCode.Should().Be(0, remove.ToString());
        list.ExitCode.Should().Be(0, list.ToString());
        using (JsonDocument listed = JsonDocument.Parse(list.Output))
            listed.RootElement.GetProperty("identities").EnumerateArray().Select(identity => identity.GetProperty("name").GetString())
                .Should().NotBeEmpty().And.NotContain("obama");
        keyAsValue.ExitCode.Should().Be(2, "there is no option that takes the key itself");
        badKey.ExitCode.Should().Be(2, badKey.ToString());
        badKey.Error.Should().Contain("FACEEMBEDDINGS_GALLERY_KEY").And.NotContain("hunter2");
    }

    [Fact]
    public async Task A_missing_or_damaged_gallery_fails_with_one_line_and_exit_code_1()
    {
        string missing = Path.Combine(_folder.Path, "missing.gallery");
        string damaged = Path.Combine(_folder.Path, "damaged.gallery");
        await File.WriteAllBytesAsync(damaged, new byte[100]);

        ToolRun listMissing = await FaceEmbedTool.RunAsync("gallery", "list", "--gallery", missing);
        ToolRun listDamaged = await FaceEmbedTool.RunAsync("gallery", "list", "--gallery", damaged);

        listMissing.ExitCode.Should().Be(1, listMissing.ToString());
        listMissing.ErrorLines.Should().ContainSingle().Which.Should().Contain("gallery add");
        listDamaged.ExitCode.Should().Be(1, listDamaged.ToString());
        listDamaged.ErrorLines.Should().ContainSingle().Which.Should().Contain("not a valid gallery file");
    }
}
