using System.Security.Cryptography;
using FaceEmbeddings.Models.Store;

namespace FaceEmbeddings.Tests.Store;

/// <summary>
/// A store in a temporary directory whose test model (<see cref="ModelName"/>, random bytes of known SHA-256) is served
/// by a scripted <see cref="LoopbackHttpServer"/>. Retries and timeouts are short so every fault resolves in
/// well under a second.
/// </summary>
public sealed class StoreTestContext : IAsyncDisposable
{
    public const string ModelName = "test-model";
    public const string RelativePath = "test/model.bin";

    /// <summary>
    /// The longest any single store call may take in a test before it counts as a hang. Calls normally take well under a
    /// second; the margin covers the whole process pausing while TorchSharp loads its native libraries in a parallel test.
    /// </summary>
    public static readonly TimeSpan CallBound = TimeSpan.FromSeconds(15);

    /// <summary>The stall timeout of tests about stalls.</summary>
    public static readonly TimeSpan ShortStallTimeout = TimeSpan.FromMilliseconds(400);

    /// <summary>The stall timeout of the other tests: generous, so a busy machine cannot fake a stall.</summary>
    private static readonly TimeSpan GenerousStallTimeout = TimeSpan.FromSeconds(5);

    public const int MaxAttempts = 3;

    /// <summary>The served model: 256 KiB of seeded random bytes; several reads long, so drops can land mid-body.</summary>
    public static readonly byte[] Payload = CreatePayload();

    /// <summary>The payload's SHA-256, computed here independently of the store.</summary>
    public static readonly string PayloadSha256 = Convert.ToHexStringLower(SHA256.HashData(Payload));

    // Loopback traffic must never go through a proxy configured on the machine.
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false });

    private readonly TimeSpan _stallTimeout;

    private StoreTestContext(Func<ServerExchange, Task> respond, Func<string, bool>? structureValidator, bool offline, TimeSpan stallTimeout)
    {
        _stallTimeout = stallTimeout;
        Server = new LoopbackHttpServer(respond);
        Model = new ModelInfo(ModelName, RelativePath, Server.UriOf("files/model.bin"))
        {
            SizeInBytes = Payload.Length,
            Sha256 = PayloadSha256,
        };
        Store = NewStore(structureValidator, offline);
        ModelPath = Path.Combine(Directory.Path, "test", "model.bin");
    }

    public TemporaryDirectory Directory { get; } = new();

    public LoopbackHttpServer Server { get; }

    /// <summary>The test model's catalogue entry, registered in <see cref="Store"/>.</summary>
    public ModelInfo Model { get; }

    public ModelStore Store { get; }

    /// <summary>Where the test model belongs.</summary>
    public string ModelPath { get; }

    /// <summary>Serves the whole payload with status 200.</summary>
    public static Func<ServerExchange, Task> ServePayload => exchange => exchange.RespondAsync(200, Payload);

    public static StoreTestContext Start(Func<ServerExchange, Task> respond, Func<string, bool>? structureValidator = null,
        bool offline = false, TimeSpan? stallTimeout = null) =>
        new(respond, structureValidator, offline, stallTimeout ?? GenerousStallTimeout);

    /// <summary>Another store on the same root, with <see cref="Model"/> registered, as a second process would open.</summary>
    public ModelStore NewStore(Func<string, bool>? structureValidator = null, bool offline = false)
    {
        var store = new ModelStore(Directory.Path, new ModelStoreOptions
        {
            HttpClient = Client,
            Offline = offline,
            MaxAttempts = MaxAttempts,
            InitialRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(40),
            StallTimeout = _stallTimeout,
            LockTimeout = CallBound,
            StructureValidator = structureValidator,
        });
        store.Register(Model);
        return store;
    }

    /// <summary>Fetches the test model, failing the test if the call takes longer than <see cref="CallBound"/>.</summary>
    public Task<string> GetAsync(IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Store.GetAsync(ModelName, progress, cancellationToken).WaitAsync(CallBound, CancellationToken.None);

    /// <summary>Files left in the model's place or beside it other than the lock file: none after a failure.</summary>
    public IEnumerable<string> FilesBesidesLock() => Directory.Files().Where(file => file != RelativePath + ".lock");

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Dispose();
    }

    private static byte[] CreatePayload()
    {
        byte[] bytes = new byte[256 * 1024];
        new Random(20180402).NextBytes(bytes);
        return bytes;
    }
}
