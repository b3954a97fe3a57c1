using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.Store;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Recognition;

/// <summary>Encrypted gallery files: they round-trip with their key, hide what they hold, and refuse a wrong key or any change whole.</summary>
public sealed class GalleryEncryptionTests : IDisposable
{
    private static readonly GalleryDescriptor Descriptor = new("vggface2", 8);
    private readonly TemporaryDirectory folder = new();
    private readonly GalleryEncryptionKey key = GalleryEncryptionKey.Generate();

    public void Dispose()
    {
        key.Dispose();
        folder.Dispose();
    }

    private string PathOf(string name) => Path.Combine(folder.Path, name);

    private static Tensor Rows()
    {
        using var generator = new Generator(77, CPU);
        return randn([5, 8], generator: generator);
    }

    /// <summary>A small gallery saved to <paramref name="path"/> with <paramref name="saveKey"/> (none: a plain file).</summary>
    private static async Task SaveGalleryAsync(string path, GalleryEncryptionKey? saveKey)
    {
        using var gallery = new InMemoryFaceGallery(Descriptor, new InMemoryFaceGalleryOptions { EncryptionKey = saveKey });
        using Tensor rows = Rows();
        await gallery.EnrollAsync("ada.lovelace", rows.narrow(0, 0, 2), new Dictionary<string, string> { ["born"] = "1815" });
        await gallery.EnrollAsync("grace.hopper", rows.narrow(0, 2, 3));
        await gallery.SaveAsync(path);
    }

    [Fact]
    public async Task An_encrypted_gallery_loads_with_its_key_and_its_file_shows_no_name_metadata_or_embedding()
    {
        string path = PathOf("people.gallery");
        await SaveGalleryAsync(path, key);
        using GalleryEncryptionKey sameKey = GalleryEncryptionKey.FromBase64(key.ToBase64());

        using InMemoryFaceGallery loaded = await InMemoryFaceGallery.LoadAsync(path, Descriptor, new InMemoryFaceGalleryOptions { EncryptionKey = sameKey });

        (await loaded.ListIdentitiesAsync()).Select(identity => (identity.Name, identity.FaceCount, identity.Metadata.GetValueOrDefault("born")))
            .Should().Equal(("ada.lovelace", 2, "1815"), ("grace.hopper", 3, null));
        using Tensor rows = Rows();
        (await loaded.SearchAsync(rows, new GallerySearchOptions { Threshold = 1e-4 })).Select(result => result.Best?.Identity)
            .Should().Equal("ada.lovelace", "ada.lovelace", "grace.hopper", "grace.hopper", "grace.hopper");
        byte[] file = await File.ReadAllBytesAsync(path);
        foreach (string text in new[] { "ada.lovelace", "grace.hopper", "1815", "faceembeddings-gallery", "vggface2" })
            file.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)).Should().Be(-1, $"'{text}' is encrypted");
        rows.data<float>().ToArray().Where(value => file.AsSpan().IndexOf(BitConverter.GetBytes(value)) >= 0).Should().BeEmpty();

        // A gallery opened with a key saves with it: the reloaded gallery saved again is still encrypted.
        await loaded.SaveAsync(path);
        await AssertRefusedAsync(path, null, "encrypted");
    }

    [Fact]
    public async Task Two_saves_of_one_gallery_differ_by_a_fresh_nonce()
    {
        await SaveGalleryAsync(PathOf("a.gallery"), key);
        await SaveGalleryAsync(PathOf("b.gallery"), key);

        byte[] a = await File.ReadAllBytesAsync(PathOf("a.gallery")), b = await File.ReadAllBytesAsync(PathOf("b.gallery"));

        a.Length.Should().Be(b.Length);
        a.AsSpan(0, 12).SequenceEqual(b.AsSpan(0, 12)).Should().BeTrue("the magic and version are the same");
        a.AsSpan(12, 12).SequenceEqual(b.AsSpan(12, 12)).Should().BeFalse("each save draws a new nonce");
    }

    [Fact]
    public async Task A_wrong_key_a_missing_key_or_a_key_for_a_plain_file_is_refused_by_name()
    {
        string encrypted = PathOf("encrypted.gallery"), plain = PathOf("plain.gallery");
        await SaveGalleryAsync(encrypted, key);
        await SaveGalleryAsync(plain, null);
        using GalleryEncryptionKey other = GalleryEncryptionKey.Generate();

        await AssertRefusedAsync(encrypted, other, "key is wrong");
        await AssertRefusedAsync(encrypted, null, "encrypted");
        await AssertRefusedAsync(plain, key, "not an encrypted gallery file");
    }

    [Fact]
    public async Task An_encrypted_file_with_any_byte_flipped_or_cut_at_any_length_is_refused_with_a_gallery_format_exception()
    {
        string path = PathOf("people.gallery"), damaged = PathOf("damaged.gallery");
        await SaveGalleryAsync(path, key);
        byte[] bytes = await File.ReadAllBytesAsync(path);

        for (int position = 0; position < bytes.Length; position++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[position] ^= 0x01;
            await File.WriteAllBytesAsync(damaged, copy);
            await AssertRefusedAsync(damaged, key, null, $"byte {position} of {bytes.Length} was flipped");
        }
        for (int length = 0; length < bytes.Length; length++)
        {
            await File.WriteAllBytesAsync(damaged, bytes.AsMemory(0, length));
            await AssertRefusedAsync(damaged, key, null, $"the file was cut to {length} of {bytes.Length} bytes");
        }
    }

    [Fact]
    public async Task A_file_is_encrypted_rekeyed_and_decrypted_in_place_and_each_time_opens_only_with_its_new_key()
    {
        string path = PathOf("people.gallery");
        await SaveGalleryAsync(path, null);
        using GalleryEncryptionKey other = GalleryEncryptionKey.Generate();

        await InMemoryFaceGallery.ChangeKeyAsync(path, null, key);
        await AssertRefusedAsync(path, null, "encrypted");
        await InMemoryFaceGallery.ChangeKeyAsync(path, key, other);
        await AssertRefusedAsync(path, key, "key is wrong");
        await FluentActions.Awaiting(() => InMemoryFaceGallery.ChangeKeyAsync(path, key, null)).Should().ThrowAsync<GalleryFormatException>();
        await InMemoryFaceGallery.ChangeKeyAsync(path, other, null);

        using InMemoryFaceGallery plain = await InMemoryFaceGallery.LoadAsync(path, Descriptor);
        (await plain.ListIdentitiesAsync()).Select(identity => (identity.Name, identity.FaceCount)).Should().Equal(("ada.lovelace", 2), ("grace.hopper", 3));
        using Tensor rows = Rows();
        (await plain.SearchAsync(rows, new GallerySearchOptions { Threshold = 1e-4 })).Select(result => result.Best?.Identity)
            .Should().Equal("ada.lovelace", "ada.lovelace", "grace.hopper", "grace.hopper", "grace.hopper");
    }

    [Fact]
    public void Keys_of_the_wrong_size_or_not_base64_are_refused_without_repeating_them_and_a_key_never_prints_itself()
    {
        FluentActions.Invoking(() => GalleryEncryptionKey.FromBytes(new byte[16])).Should().Throw<ArgumentException>().WithMessage("*32 bytes*16*");
        string notAKey = "c2VjcmV0LXRoYXQtaXMtdG9vLXNob3J0";
        FluentActions.Invoking(() => GalleryEncryptionKey.FromBase64(notAKey)).Should().Throw<ArgumentException>()
            .Which.Message.Should().NotContain(notAKey);
        FluentActions.Invoking(() => GalleryEncryptionKey.FromBase64("not base64 at all!")).Should().Throw<ArgumentException>();

        key.ToString().Should().NotContain(key.ToBase64());
        GalleryEncryptionKey disposed = GalleryEncryptionKey.Generate();
        disposed.Dispose();
        FluentActions.Invoking(() => disposed.ToBase64()).Should().Throw<ObjectDisposedException>();
    }

    private static async Task AssertRefusedAsync(string path, GalleryEncryptionKey? openKey, string? messagePart, string because = "")
    {
        var refused = await FluentActions.Awaiting(() => InMemoryFaceGallery.LoadAsync(path, options: new InMemoryFaceGalleryOptions { EncryptionKey = openKey }))
            .Should().ThrowAsync<GalleryFormatException>(because);
        if (messagePart is not null) refused.Which.Message.Should().Contain(messagePart).And.Contain(path);
    }
}
