using FaceEmbeddings.PostgreSql;
using FaceEmbeddings.Recognition;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.PostgreSql;

/// <summary>The server stopped under the gallery: typed errors while it is down, nothing committed lost, no half enrolment.</summary>
[RequiresPostgresControl]
[Collection(PostgresRestartGroup.Name)]
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private const int Size = 512, LargeEnrolment = 3000;
    private static readonly GalleryDescriptor Descriptor = new("synthetic", Size);
    private readonly PostgresTestGallery tables = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => tables.DropAsync();

    [Fact]
    public async Task A_stopped_server_gives_typed_errors_and_after_a_restart_the_gallery_has_every_committed_enrolment_whole()
    {
        var gallery = tables.Open(Descriptor, new PostgresFaceGalleryOptions { RetryCount = 2, RetryDelay = TimeSpan.FromMilliseconds(50) });
        // Tensors owned by using: a dispose scope must not span an await.
        using Tensor committed = ClusteredEmbeddings.Faces(3, 2, Size, 0.3f, seed: 30);
        using Tensor first = committed.narrow(0, 0, 1);
        for (int i = 0; i < 3; i++)
        {
            using Tensor pair = committed.narrow(0, 2 * i, 2);
            await gallery.EnrollAsync($"kept{i}", pair);
        }
        // Many faces of one "identity", spread all over (as random as unrelated faces), so that the index stays navigable.
        using Tensor large = ClusteredEmbeddings.Faces(1, LargeEnrolment, Size, 100f, seed: 31);

        // Stop the server while a large enrolment is under way: it must fail as a whole.
        Task<IReadOnlyList<long>> interrupted = gallery.EnrollAsync("interrupted", large);
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        await PostgresServer.StopAsync();
        Exception? interruption = await Record.ExceptionAsync(() => interrupted);
        try
        {
            (await FluentActions.Awaiting(() => gallery.CountAsync()).Should().ThrowAsync<PostgresGalleryException>())
                .Which.Error.Should().Be(PostgresGalleryError.ServerUnavailable);
            (await FluentActions.Awaiting(() => gallery.EnrollAsync("while-down", first)).Should().ThrowAsync<PostgresGalleryException>())
                .Which.Error.Should().Be(PostgresGalleryError.ServerUnavailable);
        }
        finally
        {
            await PostgresServer.StartAsync();
        }

        // The same gallery object works again: its dead pooled connections are replaced.
        var identities = (await gallery.ListIdentitiesAsync()).ToDictionary(identity => identity.Name, identity => identity.FaceCount);
        identities.Should().Contain(new Dictionary<string, int> { ["kept0"] = 2, ["kept1"] = 2, ["kept2"] = 2 }).And.NotContainKey("while-down");
        if (interruption is null)
        {
            identities.Should().Contain("interrupted", LargeEnrolment, "the enrolment finished before the server stopped");
        }
        else
        {
            interruption.Should().BeOfType<PostgresGalleryException>().Which.Error.Should().BeOneOf(
                PostgresGalleryError.ServerUnavailable, PostgresGalleryError.CommitOutcomeUnknown);
            if (identities.TryGetValue("interrupted", out int count))
                count.Should().Be(LargeEnrolment, "an enrolment is committed whole or not at all");
        }
        var exact = tables.Open(Descriptor, new PostgresFaceGalleryOptions { ExactSearch = true });
        var found = await exact.SearchAsync(committed);
        found.Select(result => result.Best?.Identity).Should().Equal("kept0", "kept0", "kept1", "kept1", "kept2", "kept2");
        found.Should().OnlyContain(result => result.Best!.Distance < 1e-5);
        await gallery.EnrollAsync("after-restart", first);
        (await gallery.CountAsync()).Identities.Should().Be(identities.Count + 1);
    }
}
