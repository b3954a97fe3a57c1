using System.Security.Cryptography;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Tests.Infrastructure;
using static FaceEmbeddings.Tests.Store.StoreTestContext;

namespace FaceEmbeddings.Tests.Store;

/// <summary>Offline use: the shared MTCNN weights, and clear failures for what is missing.</summary>
public class ModelStoreOfflineTests
{
    // From shared/README.md, the publisher's pinned hashes.
    [Theory]
    [InlineData(ModelCatalog.MtcnnPNet, "mtcnn/pnet.pt", "a2a71925e0b9996a42f63e47efc1ca19043e69558b5c523b978d611dfae49c8f")]
    [InlineData(ModelCatalog.MtcnnRNet, "mtcnn/rnet.pt", "bbb937de72efc9ef83b186c49f5f558467a1d7e3453a8ece0d71a886633f6a86")]
    [InlineData(ModelCatalog.MtcnnONet, "mtcnn/onet.pt", "165bfbe42940416ccfb977545cf0e976d5bf321f67083ae2aaaa5c764280118d")]
    public async Task The_shared_folder_serves_the_MTCNN_weights_without_the_network(string name, string relativePath, string sha256)
    {
        var network = new RecordingHandler();
        using var client = new HttpClient(network);
        var store = new ModelStore(SharedData.PathOf("models"), new ModelStoreOptions { HttpClient = client, Offline = false });

        string path = await store.GetAsync(name).WaitAsync(CallBound);

        path.Should().Be(Path.GetFullPath(SharedData.PathOf("models/" + relativePath)));
        Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path))).Should().Be(sha256);
        network.Requests.Should().Be(0);
    }

    [Fact]
    public async Task The_shared_folder_serves_the_MTCNN_weights_in_offline_mode()
    {
        var store = new ModelStore(SharedData.PathOf("models"), new ModelStoreOptions { Offline = true });

        foreach (string name in new[] { ModelCatalog.MtcnnPNet, ModelCatalog.MtcnnRNet, ModelCatalog.MtcnnONet })
            File.Exists(await store.GetAsync(name).WaitAsync(CallBound)).Should().BeTrue();
    }

    [Fact]
    public async Task Offline_a_missing_model_fails_at_once_saying_what_to_put_where()
    {
        await using var context = Start(ServePayload, offline: true);

        var failure = (await context.Invoking(c => c.GetAsync()).Should().ThrowAsync<ModelUnavailableOfflineException>()).Which;

        failure.Message.Should().Be(
            $"Model '{ModelName}' is not available offline. Download {context.Model.DownloadUri} (SHA-256 {PayloadSha256}, " +
            $"{Payload.Length} bytes) and put it at '{context.ModelPath}', or allow downloads (unset FACEEMBEDDINGS_OFFLINE, " +
            "or set ModelStoreOptions.Offline to false).");
        failure.LocalPath.Should().Be(context.ModelPath);
        context.Server.RequestCount.Should().Be(0);
        context.Directory.Files().Should().BeEmpty("offline, the store writes nothing");
    }

    [Fact]
    public async Task Offline_a_corrupt_copy_is_refused_with_the_reason()
    {
        await using var context = Start(ServePayload, offline: true);
        Directory.CreateDirectory(Path.GetDirectoryName(context.ModelPath)!);
        await File.WriteAllBytesAsync(context.ModelPath, Payload[..100]);

        var failure = (await context.Invoking(c => c.GetAsync()).Should().ThrowAsync<ModelUnavailableOfflineException>()).Which;

        failure.Message.Should().Contain($"The copy at '{context.ModelPath}' failed verification: it is 100 bytes long, not {Payload.Length}.");
        context.Server.RequestCount.Should().Be(0);
    }

    [Fact]
    public async Task Offline_a_verified_copy_is_served()
    {
        await using var context = Start(ServePayload, offline: true);
        Directory.CreateDirectory(Path.GetDirectoryName(context.ModelPath)!);
        await File.WriteAllBytesAsync(context.ModelPath, Payload);

        (await context.GetAsync()).Should().Be(context.ModelPath);
        context.Server.RequestCount.Should().Be(0);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            throw new HttpRequestException($"No network in this test: {request.RequestUri}");
        }
    }
}
