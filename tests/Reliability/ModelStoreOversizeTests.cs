using System.Net.Sockets;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Tests.Store;
using static FaceEmbeddings.Tests.Store.StoreTestContext;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// The faults tests/Store leaves out: a server that sends or announces more than the model can be. Each ends in
/// <see cref="ModelVerificationException"/> without a retry, leaves no file in the model's place, and a later call
/// against a healthy server succeeds. (Dropped connections, stalls, short bodies, a Content-Length other than the
/// catalogue size, 404, 500 and cancellation are covered by <see cref="ModelStoreFaultTests"/>.)
/// </summary>
public class ModelStoreOversizeTests
{
    // Loopback traffic must never go through a proxy configured on the machine.
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_endless_body_without_Content_Length_is_cut_off_and_discarded(bool catalogueKnowsTheSize)
    {
        await using var context = Start(SendEndlessBodyAsync);
        // Unknown size: the download is bounded by MaxDownloadBytes, here the payload's length.
        ModelStore store = StoreFor(context, catalogueKnowsTheSize, maxDownloadBytes: Payload.Length);

        var failure = (await store.Invoking(s => s.GetAsync(ModelName).WaitAsync(CallBound))
            .Should().ThrowAsync<ModelVerificationException>()).Which;

        failure.Message.Should().Contain($"sent more than the {Payload.Length} ").And.Contain($"'{ModelName}'").And.Contain(context.ModelPath);
        if (!catalogueKnowsTheSize)
            failure.Message.Should().Contain("MaxDownloadBytes");
        context.Server.RequestCount.Should().Be(1, "a server that sends too much is not asked again");
        await ExpectNothingLeftThenSuccessAsync(context, store);
    }

    [Fact]
    public async Task An_announced_length_above_the_download_limit_is_refused_before_anything_is_written()
    {
        await using var context = Start(exchange => exchange.RespondAsync(200, Payload, contentLength: 10L << 30));
        ModelStore store = StoreFor(context, catalogueKnowsTheSize: false, maxDownloadBytes: 1L << 30);

        var failure = (await store.Invoking(s => s.GetAsync(ModelName).WaitAsync(CallBound))
            .Should().ThrowAsync<ModelVerificationException>()).Which;

        failure.Message.Should().Contain($"announced {10L << 30} bytes").And.Contain("MaxDownloadBytes");
        context.Server.RequestCount.Should().Be(1);
        await ExpectNothingLeftThenSuccessAsync(context, store);
    }

    [Fact]
    public void The_download_limit_must_be_positive()
    {
        var create = () => new ModelStore(Path.GetTempPath(), new ModelStoreOptions { MaxDownloadBytes = 0 });
        create.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(ModelStoreOptions.MaxDownloadBytes));
    }

    /// <summary>A store on the context's root whose test model has (or lacks) its size in the catalogue.</summary>
    private static ModelStore StoreFor(StoreTestContext context, bool catalogueKnowsTheSize, long maxDownloadBytes)
    {
        var store = new ModelStore(context.Directory.Path, new ModelStoreOptions
        {
            HttpClient = Client,
            Offline = false,
            MaxAttempts = MaxAttempts,
            InitialRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(40),
            MaxDownloadBytes = maxDownloadBytes,
        });
        store.Register(catalogueKnowsTheSize ? context.Model : context.Model with { SizeInBytes = null });
        return store;
    }

    /// <summary>A 200 response without Content-Length whose body (the payload, over and over) ends only when the client hangs up.</summary>
    private static async Task SendEndlessBodyAsync(ServerExchange exchange)
    {
        await exchange.SendAsync("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"u8.ToArray());
        try
        {
            while (true)
                await exchange.SendAsync(Payload);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The client hung up (or the server is shutting down): the end this response waits for.
        }
    }

    private static async Task ExpectNothingLeftThenSuccessAsync(StoreTestContext context, ModelStore store)
    {
        context.FilesBesidesLock().Should().BeEmpty("neither the model nor a temporary file may remain after a failure");
        context.Server.Respond = ServePayload;

        string path = await store.GetAsync(ModelName).WaitAsync(CallBound);

        path.Should().Be(context.ModelPath);
        (await File.ReadAllBytesAsync(path)).Should().Equal(Payload);
    }
}
