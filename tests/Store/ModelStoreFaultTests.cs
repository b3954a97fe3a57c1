using System.Diagnostics;
using System.Net;
using FaceEmbeddings.Models.Store;
using static FaceEmbeddings.Tests.Store.StoreTestContext;

namespace FaceEmbeddings.Tests.Store;

/// <summary>
/// The store against a misbehaving server: every fault ends in a typed exception naming model, address and path (or
/// in a successful retry), with no file left in the model's place, and a later call against a healthy server succeeds.
/// </summary>
public class ModelStoreFaultTests
{
    private static readonly int Half = Payload.Length / 2;

    [Fact]
    public async Task A_connection_dropped_mid_file_is_retried_and_the_retry_succeeds()
    {
        await using var context = Start(exchange => exchange.Number == 1 ? DropAfterAsync(exchange, Half) : ServePayload(exchange));
        var progress = new ProgressRecorder();

        string path = await context.GetAsync(progress);

        (await File.ReadAllBytesAsync(path)).Should().Equal(Payload);
        context.Server.RequestCount.Should().Be(2);
        progress.Reports.Select(report => report.Attempt).Distinct().Should().Equal(1, 2);
        progress.Reports.Where(report => report.Attempt == 1).Max(report => report.BytesReceived).Should().BeInRange(1, Payload.Length - 1);
        context.FilesBesidesLock().Should().Equal(RelativePath);
    }

    [Fact]
    public async Task A_connection_that_always_drops_fails_after_the_allowed_attempts()
    {
        await using var context = Start(exchange => DropAfterAsync(exchange, Half));

        ModelDownloadException failure = await GetFailureAsync<ModelDownloadException>(context);

        failure.IsTransient.Should().BeTrue();
        failure.Attempts.Should().Be(MaxAttempts);
        failure.StatusCode.Should().BeNull();
        failure.Message.Should().Contain($"{MaxAttempts} attempts failed").And.Contain("connection failed while receiving the body");
        failure.InnerException.Should().BeAssignableTo<IOException>();
        context.Server.RequestCount.Should().Be(MaxAttempts);
        await ExpectNothingLeftThenSuccessAsync(context);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_stalled_server_times_out_on_every_attempt(bool stallMidBody)
    {
        await using var context = Start(async exchange =>
        {
            if (stallMidBody)
            {
                await exchange.SendHeadAsync(200, Payload.Length);
                await exchange.SendAsync(Payload.AsMemory(0, Half));
            }
            await exchange.StallAsync();
        }, stallTimeout: ShortStallTimeout);
        var clock = Stopwatch.StartNew();

        ModelDownloadException failure = await GetFailureAsync<ModelDownloadException>(context);

        // Each attempt waited out the short stall timeout (GetAsync bounds the whole call at CallBound).
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(ShortStallTimeout * MaxAttempts * 0.9);
        failure.IsTransient.Should().BeTrue();
        failure.Attempts.Should().Be(MaxAttempts);
        failure.Message.Should().Contain("the server sent nothing for 0.4 s while " + (stallMidBody ? "receiving the body" : "waiting for the response"));
        (await context.Server.ConnectionCountWhenSettledAsync(MaxAttempts)).Should().Be(MaxAttempts, "every attempt reached the server");
        await ExpectNothingLeftThenSuccessAsync(context);
    }

    [Fact]
    public async Task A_body_shorter_than_its_Content_Length_counts_as_a_dropped_connection()
    {
        await using var context = Start(async exchange =>
        {
            await exchange.SendHeadAsync(200, Payload.Length);
            await exchange.SendAsync(Payload.AsMemory(0, Half)); // then a clean close: the body ends early
        });

        ModelDownloadException failure = await GetFailureAsync<ModelDownloadException>(context);

        failure.IsTransient.Should().BeTrue();
        failure.Attempts.Should().Be(MaxAttempts);
        failure.Message.Should().Contain($"after {Half} of {Payload.Length} bytes");
        await ExpectNothingLeftThenSuccessAsync(context);
    }

    [Fact]
    public async Task A_Content_Length_other_than_the_catalogue_size_is_rejected_without_retrying()
    {
        await using var context = Start(exchange => exchange.RespondAsync(200, Payload, contentLength: Payload.Length - 1000));

        ModelVerificationException failure = await GetFailureAsync<ModelVerificationException>(context);

        failure.Message.Should().Contain($"announced {Payload.Length - 1000} bytes").And.Contain($"the model is {Payload.Length} bytes");
        context.Server.RequestCount.Should().Be(1);
        await ExpectNothingLeftThenSuccessAsync(context);
    }

    [Fact]
    public async Task A_too_short_Content_Length_for_a_model_of_unknown_size_fails_the_hash()
    {
        await using var context = Start(exchange => exchange.RespondAsync(200, Payload, contentLength: Half));
        context.Store.Register(context.Model with { SizeInBytes = null });

        ModelVerificationException failure = await GetFailureAsync<ModelVerificationException>(context);

        failure.Message.Should().Contain("has SHA-256").And.Contain($"not the expected {PayloadSha256}");
        context.Server.RequestCount.Should().Be(1);
        await ExpectNothingLeftThenSuccessAsync(context);
    }

    [Fact]
    public async Task Not_found_is_reported_at_once_without_retrying()
    {
        await using var context = Start(exchange => exchange.RespondAsync(404, "no such file"u8.ToArray()));

        ModelDownloadException failure = await GetFailureAsync<ModelDownloadException>(context);

        failure.StatusCode.Should().Be(HttpStatusCode.NotFound);
        failure.IsTransient.Should().BeFalse();
        failure.Attempts.Should().Be(1);
        failure.Message.Should().Contain("HTTP 404 (Not Found)");
        context.Server.RequestCount.Should().Be(1);
        await ExpectNothingLeftThenSuccessAsync(context);
    }

    [Fact]
    public async Task A_persistent_server_error_is_retried_then_reported()
    {
        await using var context = Start(exchange => exchange.RespondAsync(500, "boom"u8.ToArray()));

        ModelDownloadException failure = await GetFailureAsync<ModelDownloadException>(context);

        failure.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        failure.IsTransient.Should().BeTrue();
        failure.Attempts.Should().Be(MaxAttempts);
        failure.Message.Should().Contain("HTTP 500 (Internal Server Error)");
        context.Server.RequestCount.Should().Be(MaxAttempts);
        await ExpectNothingLeftThenSuccessAsync(context);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_transient_status_is_retried_and_the_retry_succeeds(int status)
    {
        await using var context = Start(exchange => exchange.Number == 1
            ? exchange.RespondAsync(status, "later"u8.ToArray(), extraHeaders: "Retry-After: 0\r\n")
            : ServePayload(exchange));

        string path = await context.GetAsync();

        (await File.ReadAllBytesAsync(path)).Should().Equal(Payload);
        context.Server.RequestCount.Should().Be(2);
    }

    [Fact]
    public async Task Cancellation_mid_download_stops_promptly_and_leaves_no_file()
    {
        await using var context = Start(async exchange =>
        {
            await exchange.SendHeadAsync(200, Payload.Length);
            await exchange.SendAsync(Payload.AsMemory(0, Half));
            await exchange.StallAsync();
        }, stallTimeout: TimeSpan.FromMinutes(1));
        using var cancellation = new CancellationTokenSource();
        var progress = new ProgressRecorder(report =>
        {
            if (report.BytesReceived > 0)
                cancellation.Cancel();
        });

        // With a one-minute stall timeout, only the cancellation can end this call within GetAsync's bound.
        await context.Invoking(c => c.GetAsync(progress, cancellation.Token)).Should().ThrowAsync<OperationCanceledException>();

        context.Server.RequestCount.Should().Be(1, "a cancelled download is not retried");
        await ExpectNothingLeftThenSuccessAsync(context);
    }

    [Fact]
    public async Task Cancellation_while_another_process_holds_the_lock_ends_the_wait()
    {
        await using var context = Start(ServePayload);
        Directory.CreateDirectory(Path.GetDirectoryName(context.ModelPath)!);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        using (new FileStream(context.ModelPath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            await context.Invoking(c => c.GetAsync(cancellationToken: cancellation.Token)).Should().ThrowAsync<OperationCanceledException>();

        context.Server.RequestCount.Should().Be(0);
        await ExpectNothingLeftThenSuccessAsync(context);
    }

    private static async Task DropAfterAsync(ServerExchange exchange, int bytes)
    {
        await exchange.SendHeadAsync(200, Payload.Length);
        await exchange.SendAsync(Payload.AsMemory(0, bytes));
        exchange.Abort();
    }

    private static async Task<TException> GetFailureAsync<TException>(StoreTestContext context)
        where TException : ModelStoreException
    {
        TException failure = (await context.Invoking(c => c.GetAsync()).Should().ThrowAsync<TException>()).Which;
        failure.ModelName.Should().Be(ModelName);
        failure.DownloadUri.Should().Be(context.Model.DownloadUri);
        failure.LocalPath.Should().Be(context.ModelPath);
        failure.Message.Should().Contain($"'{ModelName}'").And.Contain(context.Model.DownloadUri.ToString()).And.Contain(context.ModelPath);
        return failure;
    }

    private static async Task ExpectNothingLeftThenSuccessAsync(StoreTestContext context)
    {
        context.FilesBesidesLock().Should().BeEmpty("neither the model nor a temporary file may remain after a failure");
        int requestsBefore = context.Server.RequestCount;
        context.Server.Respond = ServePayload;

        string path = await context.GetAsync();

        path.Should().Be(context.ModelPath);
        (await File.ReadAllBytesAsync(path)).Should().Equal(Payload);
        // The file came from the server again (the failure left nothing to serve from the cache). Usually in one
        // request; the stall tests' store keeps their 0.4 s stall timeout, which a busy test process can exceed once
        // before the payload's first bytes (seen once in CI: 2 requests), and a retry is the store working as designed.
        context.Server.RequestCount.Should().BeInRange(requestsBefore + 1, requestsBefore + MaxAttempts);
    }
}
