using System.Security.Cryptography;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Models.FaceNet;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using TorchSharp;

namespace FaceEmbeddings.Tests.Encoding;

[Collection(FaceNetTestGroup.Name)]
public sealed class FaceNetEncoderPretrainedTests(FaceNetReference reference) : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("facenet-store-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Loads_a_verified_checkpoint_from_the_model_store_by_name()
    {
        string source = SharedData.PathOf(FaceNetReference.CheckpointPath);
        Directory.CreateDirectory(Path.Combine(root, "facenet"));
        File.Copy(source, Path.Combine(root, "facenet", "irv1-random.pt"));
        var store = new ModelStore(root, new ModelStoreOptions { Offline = true });
        store.Register(new ModelInfo("irv1-random", "facenet/irv1-random.pt", new Uri("https://models.invalid/irv1-random.pt"))
        {
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(source))),
        });

        using var encoder = await FaceNetEncoder.CreateAsync(new FaceNetEncoderOptions { Pretrained = "irv1-random" }, store);
        using torch.Tensor embeddings = encoder.Embed(reference.AlignedInputs);

        FaceNetReference.MaxAbsDifference(embeddings, reference.Embeddings).Should().BeLessThan(1e-4f);
        encoder.ClassCount.Should().Be(InceptionResnetV1.VggFace2ClassCount);
    }

    [Fact]
    public async Task An_offline_store_without_the_vggface2_file_says_so()
    {
        var store = new ModelStore(root, new ModelStoreOptions { Offline = true });

        var load = () => FaceNetEncoder.CreateAsync(store: store);

        await load.Should().ThrowAsync<ModelUnavailableOfflineException>().WithMessage("*vggface2*");
    }

    [Fact]
    public async Task An_unknown_model_name_is_rejected()
    {
        var store = new ModelStore(root, new ModelStoreOptions { Offline = true });

        var load = () => FaceNetEncoder.CreateAsync(new FaceNetEncoderOptions { Pretrained = "no-such-model" }, store);

        await load.Should().ThrowAsync<ArgumentException>().WithMessage("*no-such-model*");
    }
}
