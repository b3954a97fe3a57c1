using FaceEmbeddings.Models.Store;

namespace FaceEmbeddings.Tests.Store;

/// <summary>The built-in catalogue and the validation of catalogue entries.</summary>
public class ModelCatalogTests
{
    private const string Commit = "787da06156087cd6b616fe6608213722bddc30cd";
    private const string FaceApiCommit = "ad61f77ea2962809bed52b5b18966fea80ab1273";

    [Fact]
    public void The_built_in_catalogue_pins_facenet_pytorch_and_face_api_files()
    {
        var store = new ModelStore("/tmp/unused-store-root");

        store.Models.Select(model => (model.Name, model.RelativePath, model.DownloadUri.ToString(), model.Sha256, model.SizeInBytes))
            .Should().BeEquivalentTo(new (string, string, string, string?, long?)[]
            {
                ("casia-webface", "facenet/20180408-102900-casia-webface.pt",
                    "https://github.com/timesler/facenet-pytorch/releases/download/v2.2.9/20180408-102900-casia-webface.pt", null, null),
                ("face-api-age-gender", "face-api/age_gender_model-weights_manifest.json",
                    $"https://raw.githubusercontent.com/vladmandic/face-api/{FaceApiCommit}/model/age_gender_model-weights_manifest.json",
                    "74b60bf3ebf981bf4e661e9cca3a185614e10b25d797118b62e2a68d3ff2569f", 8_392),
                ("face-api-age-gender-weights", "face-api/age_gender_model.bin",
                    $"https://raw.githubusercontent.com/vladmandic/face-api/{FaceApiCommit}/model/age_gender_model.bin",
                    "49f92bbc0afef2342c4385e4a2b0acb6d7a727c6f0aa539499719a81acf9abaa", 429_708),
                ("face-api-expression", "face-api/face_expression_model-weights_manifest.json",
                    $"https://raw.githubusercontent.com/vladmandic/face-api/{FaceApiCommit}/model/face_expression_model-weights_manifest.json",
                    "5b349c17c7836da506e03422cd6461c74085d8bb2713ad4114647dc5d28174c8", 6_980),
                ("face-api-expression-weights", "face-api/face_expression_model.bin",
                    $"https://raw.githubusercontent.com/vladmandic/face-api/{FaceApiCommit}/model/face_expression_model.bin",
                    "9a9840f2cf1f4c7eab95f197512569345c00d2426754d4608b92af30e0300f3d", 329_468),
                ("face-api-resnet", "face-api/face_recognition_model-weights_manifest.json",
                    $"https://raw.githubusercontent.com/vladmandic/face-api/{FaceApiCommit}/model/face_recognition_model-weights_manifest.json",
                    "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b", 19_615),
                ("face-api-resnet-weights", "face-api/face_recognition_model.bin",
                    $"https://raw.githubusercontent.com/vladmandic/face-api/{FaceApiCommit}/model/face_recognition_model.bin",
                    "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589", 6_444_032),
                ("mtcnn-onet", "mtcnn/onet.pt", $"https://github.com/timesler/facenet-pytorch/raw/{Commit}/data/onet.pt",
                    "165bfbe42940416ccfb977545cf0e976d5bf321f67083ae2aaaa5c764280118d", 1_559_269),
                ("mtcnn-pnet", "mtcnn/pnet.pt", $"https://github.com/timesler/facenet-pytorch/raw/{Commit}/data/pnet.pt",
                    "a2a71925e0b9996a42f63e47efc1ca19043e69558b5c523b978d611dfae49c8f", 28_570),
                ("mtcnn-rnet", "mtcnn/rnet.pt", $"https://github.com/timesler/facenet-pytorch/raw/{Commit}/data/rnet.pt",
                    "bbb937de72efc9ef83b186c49f5f558467a1d7e3453a8ece0d71a886633f6a86", 403_147),
                ("vggface2", "facenet/20180402-114759-vggface2.pt",
                    "https://github.com/timesler/facenet-pytorch/releases/download/v2.2.9/20180402-114759-vggface2.pt",
                    "281cebca8662831adb987a874bdcb36e73f5b1c6dc5ee5878f305e985625d99b", null),
            }, options => options.WithStrictOrdering());
        store.GetLocalPath("mtcnn-pnet").Should().Be(Path.Combine("/tmp/unused-store-root", "mtcnn", "pnet.pt"));
    }

    [Fact]
    public void Users_can_register_their_own_models()
    {
        var store = new ModelStore("/tmp/unused-store-root");
        var mine = new ModelInfo("my-net", "custom/my-net.safetensors", new Uri("https://example.org/my-net.safetensors"))
        {
            Sha256 = new string('A', 64),
        };

        store.Register(mine);

        store.GetInfo("MY-NET").Should().BeSameAs(mine);
        mine.Sha256.Should().Be(new string('a', 64), "hashes are kept in lower case");
        new ModelStore("/tmp/unused-store-root").Models.Should().NotContain(mine, "registration belongs to one store");
    }

    [Fact]
    public async Task An_unknown_name_lists_the_known_ones()
    {
        var store = new ModelStore("/tmp/unused-store-root");

        await store.Invoking(s => s.GetAsync("vggface3")).Should().ThrowAsync<ArgumentException>()
            .WithMessage("Unknown model 'vggface3'. Known models: casia-webface, face-api-age-gender, face-api-age-gender-weights, face-api-expression, face-api-expression-weights, face-api-resnet, face-api-resnet-weights, mtcnn-onet, mtcnn-pnet, mtcnn-rnet, vggface2*");
    }

    [Theory]
    [InlineData("../escape.pt")]
    [InlineData("/absolute/file.pt")]
    [InlineData("mtcnn//pnet.pt")]
    [InlineData("mtcnn/./pnet.pt")]
    public void A_path_that_could_leave_the_root_is_refused(string relativePath)
    {
        var create = () => new ModelInfo("bad", relativePath, new Uri("https://example.org/x"));

        create.Should().Throw<ArgumentException>().WithMessage($"The model path '{relativePath}' must be relative*");
    }

    [Fact]
    public void Malformed_entries_are_refused()
    {
        var uri = new Uri("https://example.org/x");

        FluentActions.Invoking(() => new ModelInfo("m", "m.pt", new Uri("ftp://example.org/x"))).Should().Throw<ArgumentException>()
            .WithMessage("*must be an absolute http(s) URL*");
        FluentActions.Invoking(() => new ModelInfo("m", "m.pt", uri) { Sha256 = "abc" }).Should().Throw<ArgumentException>()
            .WithMessage("The SHA-256 of model 'm' must be 64 hexadecimal digits; got 'abc'*");
        FluentActions.Invoking(() => new ModelInfo("m", "m.pt", uri) { Sha256 = new string('g', 64) }).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new ModelInfo("m", "m.pt", uri) { SizeInBytes = 0 }).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Out_of_range_options_are_refused()
    {
        FluentActions.Invoking(() => new ModelStore("/tmp/x", new ModelStoreOptions { MaxAttempts = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxAttempts");
        FluentActions.Invoking(() => new ModelStore("/tmp/x", new ModelStoreOptions { StallTimeout = TimeSpan.Zero }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("StallTimeout");
    }
}
