using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FaceEmbeddings.Tests.Store;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (a free port) whose every answer is scripted, so tests can misbehave at
/// the byte level: drop the connection mid-body, announce a wrong Content-Length, stall, answer with errors.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(5);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _exchanges = [];
    private readonly Task _acceptLoop;
    private int _requestCount;
    private int _connectionCount;

    /// <summary>Starts listening; <paramref name="respond"/> answers each request until <see cref="Respond"/> is replaced.</summary>
    public LoopbackHttpServer(Func<ServerExchange, Task> respond)
    {
        Respond = respond;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The script answering the next requests; tests swap it to make a later call succeed.</summary>
    public Func<ServerExchange, Task> Respond { get; set; }

    /// <summary>How many requests have arrived.</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>How many connections have been accepted, whether or not a request was read from them.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>
    /// The connection count once it reaches <paramref name="expected"/>, or as it stands after a few seconds. A client
    /// that gives up quickly (a short stall timeout) can reset its connection before this server, slowed by a busy
    /// machine, has read the request, which is then lost with the reset and never counted as a request; the kernel
    /// completed the connection, though, so it is still accepted and counted here a moment later.
    /// </summary>
    public async Task<int> ConnectionCountWhenSettledAsync(int expected)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (ConnectionCount < expected && waited.Elapsed < ShutdownBound)
            await Task.Delay(20);
        return ConnectionCount;
    }

    /// <summary>The address of <paramref name="path"/> on this server.</summary>
    public Uri UriOf(string path) =>
        new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}/{path}");

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _acceptLoop.WaitAsync(ShutdownBound);
        await Task.WhenAll(_exchanges).WaitAsync(ShutdownBound);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _connectionCount);
            _exchanges.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                await ReadRequestHeadAsync(stream);
                var exchange = new ServerExchange(Interlocked.Increment(ref _requestCount), client, stream, _stopping.Token);
                await Respond(exchange);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (it gave up, or was cancelled) or the server is shutting down.
            }
        }
    }

    private async Task ReadRequestHeadAsync(NetworkStream stream)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        bounded.CancelAfter(ShutdownBound);
        var head = new StringBuilder();
        byte[] buffer = new byte[1024];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(buffer, bounded.Token);
            if (read == 0)
                throw new IOException("The client closed the connection before sending a request.");
            head.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        }
    }
}

/// <summary>One request to a <see cref="LoopbackHttpServer"/>, answered by the test's script.</summary>
public sealed class ServerExchange(int number, TcpClient client, NetworkStream stream, CancellationToken stopping)
{
    /// <summary>The request's number, from 1, in order of arrival.</summary>
    public int Number { get; } = number;

    /// <summary>Sends a complete response; <paramref name="contentLength"/> overrides the true length to lie about it.</summary>
    public async Task RespondAsync(int status, ReadOnlyMemory<byte> body, long? contentLength = null, string extraHeaders = "")
    {
        await SendHeadAsync(status, contentLength ?? body.Length, extraHeaders);
        await SendAsync(body);
    }

    /// <summary>Sends the status line and headers, with <c>Connection: close</c>.</summary>
    public Task SendHeadAsync(int status, long contentLength, string extraHeaders = "") =>
        SendAsync(System.Text.Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {ReasonOf(status)}\r\nContent-Length: {contentLength}\r\nContent-Type: application/octet-stream\r\n" +
            $"{extraHeaders}Connection: close\r\n\r\n"));

    /// <summary>Sends raw bytes.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await stream.WriteAsync(bytes, stopping);
        await stream.FlushAsync(stopping);
    }

    /// <summary>Keeps the connection open and silent until the server shuts down.</summary>
    public Task StallAsync() => Task.Delay(Timeout.Infinite, stopping);

    /// <summary>Resets the connection (TCP RST), as a dropped network link looks to the client.</summary>
    public void Abort()
    {
        client.Client.LingerState = new LingerOption(enable: true, seconds: 0);
        client.Close();
    }

    private static string ReasonOf(int status) => status switch
    {
        200 => "OK",
        404 => "Not Found",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
