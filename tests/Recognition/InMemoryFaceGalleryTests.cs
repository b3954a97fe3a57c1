using FaceEmbeddings.IO;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.Store;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Recognition;

/// <summary>What the embedded gallery adds to the contract: its file (atomic, versioned, checked at every byte) and its memory.</summary>
public sealed class InMemoryFaceGalleryTests : IDisposable
{
    private static readonly GalleryDescriptor Descriptor = new("vggface2", 8);
    private readonly TemporaryDirectory folder = new();

    public void Dispose() => folder.Dispose();

    private static async Task<InMemoryFaceGallery> SmallGalleryAsync()
    {
        var gallery = new InMemoryFaceGallery(Descriptor);
        using var generator = new Generator(42, CPU);
        using var rows = randn([5, 8], generator: generator);
        await gallery.EnrollAsync("ada", rows.narrow(0, 0, 2), new Dictionary<string, string> { ["born"] = "1815" });
        await gallery.EnrollAsync("grace", rows.narrow(0, 2, 3));
        return gallery;
    }

    [Fact]
    public async Task A_file_truncated_at_any_length_is_refused_with_a_gallery_format_exception()
    {
        byte[] bytes = await SavedSmallGalleryAsync();
        for (int length = 0; length < bytes.Length; length++)
            await AssertRefusedAsync(bytes.AsMemory(0, length), $"the file cut to {length} of {bytes.Length} bytes");
    }

    [Fact]
    public async Task A_file_with_any_byte_altered_is_refused_with_a_gallery_format_exception()
    {
        byte[] bytes = await SavedSmallGalleryAsync();
        for (int position = 0; position < bytes.Length; position++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[position] ^= 0xFF;
            await AssertRefusedAsync(copy, $"byte {position} of {bytes.Length} was flipped");
        }
    }

    private async Task<byte[]> SavedSmallGalleryAsync()
    {
        using InMemoryFaceGallery gallery = await SmallGalleryAsync();
        string path = Path.Combine(folder.Path, "people.gallery");
        await gallery.SaveAsync(path);
        return await File.ReadAllBytesAsync(path);
    }

    private async Task AssertRefusedAsync(ReadOnlyMemory<byte> content, string because)
    {
        string damaged = Path.Combine(folder.Path, "damaged.gallery");
        await File.WriteAllBytesAsync(damaged, content);
        await FluentActions.Awaiting(() => InMemoryFaceGallery.LoadAsync(damaged)).Should().ThrowAsync<GalleryFormatException>(because);
    }

    [Fact]
    public async Task Erasing_an_identity_and_saving_leaves_none_of_its_embedding_bytes_in_the_file_or_the_gallery_memory()
    {
        using var gallery = new InMemoryFaceGallery(Descriptor);
        using var generator = new Generator(31, CPU);
        using var rows = randn([6, 8], generator: generator);
        await gallery.EnrollAsync("ada", rows.narrow(0, 0, 2));
        await gallery.EnrollAsync("grace", rows.narrow(0, 2, 3));
        await gallery.EnrollAsync("alan", rows.narrow(0, 5, 1));
        float[][] values = Enumerable.Range(0, 6).Select(row => rows[row].data<float>().ToArray()).ToArray();
        float[][] grace = values[2..5], kept = [.. values[0..2], values[5]];
        string path = Path.Combine(folder.Path, "people.gallery");
        await gallery.SaveAsync(path);
        byte[] before = await File.ReadAllBytesAsync(path);
        grace.Should().OnlyContain(face => face.All(value => Contains(before, value)), "the search finds a face's floats where they are");

        (await gallery.RemoveIdentityAsync("grace")).Should().BeTrue();
        await gallery.SaveAsync(path);

        byte[] after = await File.ReadAllBytesAsync(path);
        grace.SelectMany(face => face).Where(value => Contains(after, value)).Should().BeEmpty("no float32 of an erased face stays in the file");
        kept.Should().OnlyContain(face => face.All(value => Contains(after, value)));
        using (NewDisposeScope())
        {
            // The whole buffer the gallery keeps its faces in, spare capacity included.
            Tensor active = gallery.FacesView();
            float[] buffer = active.as_strided([64, 8], [8, 1], active.storage_offset()).data<float>().ToArray();
            grace.SelectMany(face => face).Intersect(buffer).Should().BeEmpty("removed rows are overwritten in memory too");
        }
    }

    private static bool Contains(byte[] file, float value) => file.AsSpan().IndexOf(BitConverter.GetBytes(value)) >= 0;

    [Fact]
    public async Task Opening_a_file_for_another_model_or_size_names_both_descriptors()
    {
        using InMemoryFaceGallery gallery = await SmallGalleryAsync();
        string path = Path.Combine(folder.Path, "people.gallery");
        await gallery.SaveAsync(path);

        var otherModel = await FluentActions.Awaiting(() => InMemoryFaceGallery.LoadAsync(path, Descriptor with { Model = "casia-webface" }))
            .Should().ThrowAsync<GalleryDescriptorMismatchException>();
        var otherSize = await FluentActions.Awaiting(() => InMemoryFaceGallery.LoadAsync(path, Descriptor with { EmbeddingSize = 128 }))
            .Should().ThrowAsync<GalleryDescriptorMismatchException>();

        otherModel.Which.Message.Should().Contain("'vggface2'").And.Contain("'casia-webface'").And.Contain(path);
        otherSize.Which.Message.Should().Contain("8-d").And.Contain("128-d");
        otherSize.Which.Stored.Should().Be(Descriptor);
        otherSize.Which.Expected.Should().Be(Descriptor with { EmbeddingSize = 128 });
    }

    [Fact]
    public async Task A_safetensors_file_that_is_not_a_gallery_or_is_from_a_newer_version_is_refused_by_name()
    {
        string weights = Path.Combine(folder.Path, "weights.safetensors");
        using (var tensorToSave = zeros(3))
            FaceEmbeddings.Models.Checkpoints.SafeTensors.Save(weights, new Dictionary<string, Tensor> { ["w"] = tensorToSave });
        using InMemoryFaceGallery gallery = await SmallGalleryAsync();
        string path = Path.Combine(folder.Path, "people.gallery");
        await gallery.SaveAsync(path);
        string newer = Path.Combine(folder.Path, "newer.gallery");
        using (var file = FaceEmbeddings.Models.Checkpoints.SafeTensors.Load(path))
        {
            var metadata = file.Metadata.ToDictionary();
            metadata["format_version"] = "2";
            FaceEmbeddings.Models.Checkpoints.SafeTensors.Save(newer, file.Tensors, metadata);
        }

        (await FluentActions.Awaiting(() => InMemoryFaceGallery.LoadAsync(weights)).Should().ThrowAsync<GalleryFormatException>())
            .Which.Message.Should().Contain("not a face gallery");
        (await FluentActions.Awaiting(() => InMemoryFaceGallery.LoadAsync(newer)).Should().ThrowAsync<GalleryFormatException>())
            .Which.Message.Should().Contain("format version 2");
        await FluentActions.Awaiting(() => InMemoryFaceGallery.LoadAsync(Path.Combine(folder.Path, "missing.gallery"))).Should().ThrowAsync<FileNotFoundException>();
    }

    [Fact]
    public async Task A_save_that_fails_midway_leaves_the_old_file_whole_and_no_temporary_file()
    {
        using InMemoryFaceGallery gallery = await SmallGalleryAsync();
        string path = Path.Combine(folder.Path, "people.gallery");
        await gallery.SaveAsync(path);
        byte[] before = await File.ReadAllBytesAsync(path);

        FluentActions.Invoking(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new IOException("disk full (simulated)");
        })).Should().Throw<IOException>();

        (await File.ReadAllBytesAsync(path)).Should().Equal(before);
        folder.Files().Should().Equal("people.gallery");
        using InMemoryFaceGallery reloaded = await InMemoryFaceGallery.LoadAsync(path, Descriptor);
        (await reloaded.CountAsync()).Should().Be(new GalleryCounts(2, 5));
    }

    [Fact]
    public async Task An_empty_gallery_saves_and_loads()
    {
        using var gallery = new InMemoryFaceGallery(Descriptor with { Metric = DistanceMetric.Cosine });
        string path = Path.Combine(folder.Path, "empty.gallery");
        await gallery.SaveAsync(path);

        using InMemoryFaceGallery loaded = await InMemoryFaceGallery.LoadAsync(path);

        loaded.Descriptor.Should().Be(gallery.Descriptor);
        (await loaded.CountAsync()).Should().Be(new GalleryCounts(0, 0));
    }

    [Fact]
    public async Task Growing_past_the_initial_capacity_keeps_every_face()
    {
        using var gallery = new InMemoryFaceGallery(Descriptor, new InMemoryFaceGalleryOptions { InitialCapacity = 0 });
        using var generator = new Generator(7, CPU);
        using var rows = randn([300, 8], generator: generator);
        var ids = new List<long>();
        for (int i = 0; i < 300; i += 3) ids.AddRange(await gallery.EnrollAsync($"p{i:D3}", rows.narrow(0, i, 3)));

        var results = await gallery.SearchAsync(rows, new GallerySearchOptions { Threshold = 1e-4 });

        results.Select(result => result.Best?.FaceId).Should().Equal(ids.Cast<long?>());
    }

    [Fact]
    public void Repeated_enrolments_searches_removals_and_saves_do_not_grow_the_live_tensor_count()
    {
        using var gallery = new InMemoryFaceGallery(Descriptor, new InMemoryFaceGalleryOptions { InitialCapacity = 4096 });
        using var generator = new Generator(8, CPU);
        using var rows = randn([4, 8], generator: generator);
        using var first = rows[0];
        string path = Path.Combine(folder.Path, "cycle.gallery");
        Cycle();   // first calls may create lazily initialized state
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (int i = 0; i < 5; i++) Cycle();

        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);

        // The gallery's methods complete on the calling thread (Save and Load are the async methods' bodies), so every
        // tensor they make is counted on this thread.
        void Cycle()
        {
            IReadOnlyList<long> ids = gallery.EnrollAsync("ada", rows).GetAwaiter().GetResult();
            gallery.EnrollAsync("grace", first).GetAwaiter().GetResult();
            gallery.SearchAsync(rows, new GallerySearchOptions { TopK = 2 }).GetAwaiter().GetResult();
            gallery.SearchAsync(rows, new GallerySearchOptions { TopK = 2, Scoring = IdentityScoring.Centroid }).GetAwaiter().GetResult();
            gallery.Save(path);
            InMemoryFaceGallery.Load(path, null, null).Dispose();
            gallery.RemoveFaceAsync(ids[1]).GetAwaiter().GetResult();
            gallery.RemoveIdentityAsync("ada").GetAwaiter().GetResult();
            gallery.RemoveIdentityAsync("grace").GetAwaiter().GetResult();
        }
    }

    [Fact]
    public async Task A_disposed_gallery_refuses_calls()
    {
        InMemoryFaceGallery gallery = await SmallGalleryAsync();
        gallery.Dispose();
        gallery.Dispose();

        await FluentActions.Awaiting(() => gallery.CountAsync()).Should().ThrowAsync<ObjectDisposedException>();
        using var query = zeros(8);
        await FluentActions.Awaiting(() => gallery.SearchAsync(query)).Should().ThrowAsync<ObjectDisposedException>();
    }
}
