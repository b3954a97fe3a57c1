using System.Security.Cryptography;
using FaceEmbeddings.Models.Store;
using static FaceEmbeddings.Tests.Store.StoreTestContext;

namespace FaceEmbeddings.Tests.Store;

/// <summary>Downloads, caching, verification and concurrency of <see cref="ModelStore"/> against a local server.</summary>
public class ModelStoreDownloadTests
{
    [Fact]
    public async Task Downloads_the_model_into_its_place_reporting_progress()
    {
        await using var context = Start(ServePayload);
        var progress = new ProgressRecorder();

        string path = await context.GetAsync(progress);

        path.Should().Be(Path.Combine(context.Directory.Path, "test", "model.bin"));
        (await File.ReadAllBytesAsync(path)).Should().Equal(Payload);
        context.FilesBesidesLock().Should().Equal(RelativePath);
        IReadOnlyList<DownloadProgress> reports = progress.Reports;
        reports.Should().OnlyContain(report => report.ModelName == ModelName && report.TotalBytes == Payload.Length && report.Attempt == 1);
        reports[0].BytesReceived.Should().Be(0);
        reports[^1].BytesReceived.Should().Be(Payload.Length);
        reports[^1].Fraction.Should().Be(1.0);
        reports.Select(report => report.BytesReceived).Should().BeInAscendingOrder().And.HaveCountGreaterThan(2);
    }

    [Fact]
    public async Task A_verified_copy_is_served_from_the_store_without_downloading_again()
    {
        await using var context = Start(ServePayload);
        string first = await context.GetAsync();
        var progress = new ProgressRecorder();

        string second = await context.NewStore().GetAsync(ModelName, progress).WaitAsync(CallBound);

        second.Should().Be(first);
        context.Server.RequestCount.Should().Be(1);
        progress.Reports.Should().BeEmpty();
    }

    [Fact]
    public async Task A_download_with_the_wrong_hash_is_rejected_and_nothing_is_left()
    {
        byte[] tampered = (byte[])Payload.Clone();
        tampered[12345] ^= 0x01;
        await using var context = Start(exchange => exchange.RespondAsync(200, tampered));

        var failure = (await context.Invoking(c => c.GetAsync()).Should().ThrowAsync<ModelVerificationException>()).Which;

        string tamperedSha256 = Convert.ToHexStringLower(SHA256.HashData(tampered));
        failure.Message.Should().Contain($"has SHA-256 {tamperedSha256}, not the expected {PayloadSha256}")
            .And.Contain(context.Model.DownloadUri.ToString()).And.Contain(context.ModelPath);
        failure.ModelName.Should().Be(ModelName);
        context.Server.RequestCount.Should().Be(1, "a wrong hash is not a transient failure");
        context.FilesBesidesLock().Should().BeEmpty();
    }

    [Theory]
    [InlineData("same length, one byte changed")]
    [InlineData("truncated")]
    public async Task A_corrupt_cached_copy_is_replaced_never_used(string corruption)
    {
        await using var context = Start(ServePayload);
        Directory.CreateDirectory(Path.GetDirectoryName(context.ModelPath)!);
        byte[] corrupt = corruption == "truncated" ? Payload[..1000] : (byte[])Payload.Clone();
        corrupt[10] ^= 0xFF;
        await File.WriteAllBytesAsync(context.ModelPath, corrupt);

        string path = await context.GetAsync();

        (await File.ReadAllBytesAsync(path)).Should().Equal(Payload);
        context.Server.RequestCount.Should().Be(1);
    }

    [Fact]
    public async Task Eight_concurrent_callers_share_one_download()
    {
        // A slow server keeps the first download in flight while the other callers arrive.
        await using var context = Start(async exchange =>
        {
            await exchange.SendHeadAsync(200, Payload.Length);
            foreach (ReadOnlyMemory<byte> chunk in Payload.Chunk(Payload.Length / 8))
            {
                await exchange.SendAsync(chunk);
                await Task.Delay(20);
            }
        });
        ModelStore otherStore = context.NewStore();

        string[] paths = await Task.WhenAll(Enumerable.Range(0, 8).Select(caller => Task.Run(() =>
            (caller % 2 == 0 ? context.Store : otherStore).GetAsync(ModelName).WaitAsync(CallBound))));

        paths.Should().AllBe(context.ModelPath);
        context.Server.RequestCount.Should().Be(1);
        (await File.ReadAllBytesAsync(context.ModelPath)).Should().Equal(Payload);
        context.FilesBesidesLock().Should().Equal(RelativePath);
    }

    [Fact]
    public async Task A_caller_waits_for_another_process_that_holds_the_lock_and_uses_its_download()
    {
        await using var context = Start(ServePayload);
        Directory.CreateDirectory(Path.GetDirectoryName(context.ModelPath)!);
        Task<string> fetch;
        using (new FileStream(context.ModelPath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            fetch = context.GetAsync();
            await Task.Delay(300);
            fetch.IsCompleted.Should().BeFalse("the lock is held by someone else");
            // The other process finishes its download while holding the lock.
            await File.WriteAllBytesAsync(context.ModelPath, Payload);
        }

        (await fetch).Should().Be(context.ModelPath);
        context.Server.RequestCount.Should().Be(0, "the file the lock holder wrote is verified and used");
    }

    [Fact]
    public async Task Temporary_files_of_a_crashed_download_are_cleaned_up()
    {
        await using var context = Start(ServePayload);
        Directory.CreateDirectory(Path.GetDirectoryName(context.ModelPath)!);
        string leftover = $"{context.ModelPath}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(leftover, Payload[..100]);

        await context.GetAsync();

        File.Exists(leftover).Should().BeFalse();
        context.FilesBesidesLock().Should().Equal(RelativePath);
    }

    [Fact]
    public async Task A_model_without_a_trusted_hash_is_vetted_on_first_download_then_pinned_to_its_recorded_hash()
    {
        await using var context = Start(ServePayload);
        var vetted = new List<string>();
        bool HasPayloadStructure(string path)
        {
            vetted.Add(path);
            return new FileInfo(path).Length == Payload.Length;
        }
        ModelInfo unhashed = context.Model with { Sha256 = null, SizeInBytes = null, StructureValidator = HasPayloadStructure };
        context.Store.Register(unhashed);

        string path = await context.GetAsync();

        vetted.Should().ContainSingle().Which.Should().NotBe(path, "the download is vetted before it takes the model's place");
        (await File.ReadAllTextAsync(path + ".sha256")).Should().Be($"{PayloadSha256}  model.bin\n");

        ModelStore later = context.NewStore();
        later.Register(unhashed);
        (await later.GetAsync(ModelName).WaitAsync(CallBound)).Should().Be(path);
        vetted.Should().HaveCount(1, "later uses check the recorded hash, not the structure");
        context.Server.RequestCount.Should().Be(1);

        // A copy that no longer matches its record is replaced by a freshly vetted download.
        byte[] corrupt = (byte[])Payload.Clone();
        corrupt[0] ^= 0xFF;
        await File.WriteAllBytesAsync(path, corrupt);
        await later.GetAsync(ModelName).WaitAsync(CallBound);
        (await File.ReadAllBytesAsync(path)).Should().Equal(Payload);
        vetted.Should().HaveCount(2);
        context.Server.RequestCount.Should().Be(2);
    }

    [Fact]
    public async Task A_model_without_a_trusted_hash_that_fails_its_structure_check_is_discarded()
    {
        await using var context = Start(ServePayload);
        context.Store.Register(context.Model with
        {
            Sha256 = null,
            StructureValidator = _ => throw new InvalidDataException("not a checkpoint"),
        });

        var failure = (await context.Invoking(c => c.GetAsync()).Should().ThrowAsync<ModelVerificationException>()).Which;

        failure.Message.Should().Contain("its structure check failed: not a checkpoint").And.Contain(context.ModelPath);
        failure.InnerException.Should().BeOfType<InvalidDataException>();
        context.FilesBesidesLock().Should().BeEmpty("neither the file nor a hash record is kept");
    }

    [Fact]
    public async Task The_options_validator_vets_models_whose_entry_has_none()
    {
        var vetted = new List<string>();
        await using var context = Start(ServePayload, structureValidator: path =>
        {
            vetted.Add(path);
            return true;
        });
        context.Store.Register(context.Model with { Sha256 = null });

        await context.GetAsync();

        vetted.Should().ContainSingle();
        File.Exists(context.ModelPath + ".sha256").Should().BeTrue();
    }

    [Fact]
    public async Task A_model_that_cannot_be_verified_is_refused_before_downloading()
    {
        await using var context = Start(ServePayload);
        context.Store.Register(context.Model with { Sha256 = null });

        var failure = (await context.Invoking(c => c.GetAsync()).Should().ThrowAsync<ModelVerificationException>()).Which;

        failure.Message.Should().Contain("has no trusted SHA-256 and no structure validator");
        context.Server.RequestCount.Should().Be(0);
    }
}
