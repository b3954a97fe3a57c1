using FaceEmbeddings.Models.Store;

namespace FaceEmbeddings.Tests.Store;

/// <summary>Tests that change process-wide environment variables run alone, never beside other tests.</summary>
[CollectionDefinition(nameof(ProcessEnvironmentTests), DisableParallelization = true)]
public sealed class ProcessEnvironmentTests;

/// <summary>The store's root and offline mode as the environment sets them.</summary>
[Collection(nameof(ProcessEnvironmentTests))]
public sealed class ModelStoreEnvironmentTests : IDisposable
{
    private static readonly string[] Variables = ["FACEEMBEDDINGS_HOME", "XDG_CACHE_HOME", "FACEEMBEDDINGS_OFFLINE"];
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(name => name, Environment.GetEnvironmentVariable);

    public ModelStoreEnvironmentTests()
    {
        foreach (string name in Variables)
            Environment.SetEnvironmentVariable(name, null);
    }

    public void Dispose()
    {
        foreach ((string name, string? value) in _saved)
            Environment.SetEnvironmentVariable(name, value);
    }

    [Fact]
    public void The_root_argument_wins_over_the_environment()
    {
        Environment.SetEnvironmentVariable("FACEEMBEDDINGS_HOME", "/tmp/from-home");

        new ModelStore("relative/store").Root.Should().Be(Path.GetFullPath("relative/store"));
    }

    [Fact]
    public void Without_an_argument_the_root_is_FACEEMBEDDINGS_HOME_then_XDG_CACHE_HOME_then_the_home_cache()
    {
        Environment.SetEnvironmentVariable("FACEEMBEDDINGS_HOME", "/tmp/from-home");
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/tmp/xdg-cache");
        new ModelStore().Root.Should().Be("/tmp/from-home");

        Environment.SetEnvironmentVariable("FACEEMBEDDINGS_HOME", null);
        new ModelStore().Root.Should().Be(Path.Combine("/tmp/xdg-cache", "faceembeddings"));

        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", null);
        new ModelStore().Root.Should().Be(
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "faceembeddings"));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("0", false)]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("ON", true)]
    public void FACEEMBEDDINGS_OFFLINE_sets_offline_mode(string? value, bool offline)
    {
        Environment.SetEnvironmentVariable("FACEEMBEDDINGS_OFFLINE", value);

        new ModelStore("/tmp/x").IsOffline.Should().Be(offline);
    }

    [Fact]
    public async Task The_offline_option_overrides_the_environment()
    {
        Environment.SetEnvironmentVariable("FACEEMBEDDINGS_OFFLINE", "1");

        new ModelStore("/tmp/x", new ModelStoreOptions { Offline = false }).IsOffline.Should().BeFalse();
        await using var context = StoreTestContext.Start(StoreTestContext.ServePayload);
        var defaultOffline = new ModelStore(context.Directory.Path, new ModelStoreOptions());
        defaultOffline.Register(context.Model);
        await defaultOffline.Invoking(s => s.GetAsync(StoreTestContext.ModelName)).Should().ThrowAsync<ModelUnavailableOfflineException>();
        context.Server.RequestCount.Should().Be(0);
    }
}
