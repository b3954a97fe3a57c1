using System.Globalization;
using System.Text.Json;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Datasets;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Cli;

public sealed class EmbedCommandTests : IDisposable
{
    private readonly DatasetFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string[] Common =>
    [
        "--weights", SharedData.PathOf(FaceNetReference.CheckpointPath), "--models", SharedData.PathOf("models"),
    ];

    [Fact]
    public async Task Writes_the_same_embeddings_as_csv_and_safetensors_with_folder_labels_or_from_a_glob()
    {
        string kit = _folder.CopyPerson("kit_harington", "john2.jpeg", "faces/kit/john2.jpeg");
        string rose = _folder.CopyPerson("rose_leslie", "img2.jpg", "faces/rose/img2.jpg");
        string csv = _folder.PathOf("out/embeddings.csv");
        string safetensors = _folder.PathOf("out/embeddings.safetensors");

        ToolRun toCsv = await FaceEmbedTool.RunAsync(["embed", _folder.PathOf("faces"), "--labels", "folders", "--out", csv, .. Common]);
        ToolRun toSafetensors = await FaceEmbedTool.RunAsync(["embed", _folder.PathOf("faces") + "/*/*.j*g", "--out", safetensors, .. Common]);

        toCsv.ExitCode.Should().Be(0, toCsv.ToString());
        toSafetensors.ExitCode.Should().Be(0, toSafetensors.ToString());
        toCsv.Output.Trim().Should().Be(csv);

        string[] lines = File.ReadAllLines(csv);
        lines.Should().HaveCount(3);
        lines[0].Split(',')[..3].Should().Equal("path", "label", "face");
        string[][] rows = lines[1..].Select(line => line.Split(',')).ToArray();
        rows.Select(row => (row[0], row[1])).Should().Equal((kit, "kit"), (rose, "rose"));

        using SafeTensorsFile file = SafeTensors.Load(safetensors);
        JsonSerializer.Deserialize<string[]>(file.Metadata[FaceEmbeddingSet.PathsKey]).Should().Equal(kit, rose);
        float[] stored = file[FaceEmbeddingSet.EmbeddingsKey].data<float>().ToArray();
        float[] fromCsv = rows.SelectMany(row => row[8..].Select(value => float.Parse(value, CultureInfo.InvariantCulture))).ToArray();
        fromCsv.Should().Equal(stored, "both runs embed the same faces, and CSV values round-trip");
    }

    [Fact]
    public async Task Embeds_with_face_apis_network_from_the_models_folder_or_its_manifest()
    {
        string kit = _folder.CopyPerson("kit_harington", "john2.jpeg", "faces/john2.jpeg");
        string rose = _folder.CopyPerson("rose_leslie", "img2.jpg", "faces/img2.jpg");
        string fromStore = _folder.PathOf("out/store.safetensors");
        string fromManifest = _folder.PathOf("out/manifest.safetensors");

        ToolRun store = await FaceEmbedTool.RunAsync("embed", _folder.PathOf("faces"), "--encoder", "face-api-resnet",
            "--models", SharedData.PathOf("models"), "--out", fromStore);
        ToolRun manifest = await FaceEmbedTool.RunAsync("embed", _folder.PathOf("faces"), "--encoder", "face-api-resnet",
            "--weights", SharedData.PathOf("models/face-api/face_recognition_model-weights_manifest.json"),
            "--models", SharedData.PathOf("models"), "--out", fromManifest);

        store.ExitCode.Should().Be(0, store.ToString());
        manifest.ExitCode.Should().Be(0, manifest.ToString());
        store.ErrorLines.Should().Contain("Embedded 2 faces (128 values each) from 2 images; 0 files skipped.");
        using SafeTensorsFile first = SafeTensors.Load(fromStore);
        using SafeTensorsFile second = SafeTensors.Load(fromManifest);
        first[FaceEmbeddingSet.EmbeddingsKey].shape.Should().Equal(2, 128);
        JsonSerializer.Deserialize<string[]>(first.Metadata[FaceEmbeddingSet.PathsKey]).Should().Equal(rose, kit);
        second[FaceEmbeddingSet.EmbeddingsKey].data<float>().ToArray().Should().Equal(first[FaceEmbeddingSet.EmbeddingsKey].data<float>().ToArray());
        // Not unit length: face-api's descriptors are compared by Euclidean distance as they are.
        first[FaceEmbeddingSet.EmbeddingsKey].norm(1).min().item<float>().Should().BeGreaterThan(1.1f);
    }

    [Fact]
    public async Task Pretrained_does_not_apply_to_face_apis_network()
    {
        _folder.CopyPerson("rose_leslie", "img2.jpg", "faces/img2.jpg");
        ToolRun run = await FaceEmbedTool.RunAsync("embed", _folder.PathOf("faces"), "--encoder", "face-api-resnet", "--pretrained", "vggface2",
            "--models", SharedData.PathOf("models"), "--out", _folder.PathOf("x.csv"));

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("--pretrained").And.Contain("face-api-resnet");
    }
}
