using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Tests.Store;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Samples;

/// <summary>
/// Erasure in the sample service (<c>DELETE /people/{name}</c>): the person is unknown afterwards, gone from the
/// gallery file and after a restart; the audit trail records who did what to whom and when; and no log event of any
/// endpoint carries an embedding value or image bytes.
/// </summary>
public sealed partial class WebApiSampleErasureTests : IDisposable
{
    private static readonly string[] NumberFormats = ["R", "G7", "F4", "F5", "F6"];
    private readonly TemporaryDirectory folder = new();

    public void Dispose() => folder.Dispose();

    private string GalleryPath => Path.Combine(folder.Path, "people.gallery");

    private WebApplicationFactory<Program> Service(CapturedLogs? logs = null, string? keyFile = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            SampleHost.UseOfflineModels(builder);
            SampleHost.UseKeys(builder);
            builder.UseSetting("Sample:GalleryPath", GalleryPath);
            if (keyFile is not null) builder.UseSetting("Sample:GalleryKeyFile", keyFile);
            if (logs is not null)
            {
                builder.UseSetting("Logging:LogLevel:Default", "Trace");
                builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
                builder.ConfigureLogging(logging => logging.AddProvider(logs));
            }
        });

    private static byte[] PhotoBytes(string name) => File.ReadAllBytes(SharedData.PathOf($"fixtures/images/{name}"));

    private static async Task<HttpResponseMessage> PostPhotosAsync(HttpClient client, string path, params (string Field, string Photo)[] photos)
    {
        using var form = new MultipartFormDataContent();
        foreach ((string field, string photo) in photos)
        {
            var content = new ByteArrayContent(PhotoBytes(photo));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(content, field, photo);
        }
        return await client.PostAsync(path, form);
    }

    private static async Task<string?> IdentifyAsync(HttpClient client, string photo)
    {
        using HttpResponseMessage response = await PostPhotosAsync(client, "/identify", ("photo", photo));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString();
    }

    private static async Task EnrolAsync(HttpClient client, string name, string photo)
    {
        using HttpResponseMessage response = await PostPhotosAsync(client, $"/people/{name}/faces", ("photo", photo));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The embeddings the gallery file holds, row by row in enrolment order (nothing was removed yet).</summary>
    private async Task<float[][]> StoredEmbeddingsAsync()
    {
        using InMemoryFaceGallery stored = await InMemoryFaceGallery.LoadAsync(GalleryPath);
        using (NewDisposeScope())
        {
            Tensor faces = stored.FacesView();
            return Enumerable.Range(0, (int)faces.shape[0]).Select(row => faces[row].data<float>().ToArray()).ToArray();
        }
    }

    private static bool Contains(byte[] file, float value) => file.AsSpan().IndexOf(BitConverter.GetBytes(value)) >= 0;

    [Fact]
    public async Task An_erased_person_is_unknown_gone_from_the_gallery_file_and_stays_gone_after_a_restart()
    {
        float[] paul, angelina;
        using (WebApplicationFactory<Program> service = Service())
        {
            using HttpClient admin = SampleHost.Client(service, SampleHost.AllScopes);
            using HttpClient kiosk = SampleHost.Client(service, SampleHost.IdentifyOnly);
            await EnrolAsync(admin, "paul", "paul_rudd.png");
            await EnrolAsync(admin, "angelina", "angelina_jolie.png");
            (await IdentifyAsync(admin, "paul_rudd.png")).Should().Be("paul");
            float[][] stored = await StoredEmbeddingsAsync();
            (paul, angelina) = (stored[0], stored[1]);
            byte[] before = await File.ReadAllBytesAsync(GalleryPath);
            paul.Should().OnlyContain(value => Contains(before, value), "the search finds a face's floats where they are");

            using (HttpResponseMessage denied = await kiosk.DeleteAsync("/people/paul"))
                denied.StatusCode.Should().Be(HttpStatusCode.Forbidden, "erasing needs the erase scope");
            using (HttpResponseMessage erased = await admin.DeleteAsync("/people/paul"))
                erased.StatusCode.Should().Be(HttpStatusCode.NoContent);
            using (HttpResponseMessage again = await admin.DeleteAsync("/people/paul"))
                again.StatusCode.Should().Be(HttpStatusCode.NotFound);

            (await IdentifyAsync(admin, "paul_rudd.png")).Should().BeNull("the erased person is nobody now");
            (await IdentifyAsync(admin, "angelina_jolie.png")).Should().Be("angelina");
            byte[] after = await File.ReadAllBytesAsync(GalleryPath);
            paul.Where(value => Contains(after, value)).Should().BeEmpty("no float32 of the erased face is left in the file");
            angelina.Should().OnlyContain(value => Contains(after, value));
        }

        using WebApplicationFactory<Program> restarted = Service();
        using HttpClient client = SampleHost.Client(restarted, SampleHost.AllScopes);
        (await IdentifyAsync(client, "paul_rudd.png")).Should().BeNull();
        (await IdentifyAsync(client, "angelina_jolie.png")).Should().Be("angelina");
    }

    [Fact]
    public async Task With_a_key_file_the_gallery_file_is_encrypted_and_a_restart_reads_it()
    {
        string keyFile = Path.Combine(folder.Path, "gallery.key");
        using (var key = GalleryEncryptionKey.Generate()) await File.WriteAllTextAsync(keyFile, key.ToBase64());
        using (WebApplicationFactory<Program> service = Service(keyFile: keyFile))
        {
            using HttpClient admin = SampleHost.Client(service, SampleHost.AllScopes);
            await EnrolAsync(admin, "angelina", "angelina_jolie.png");
        }

        (await File.ReadAllBytesAsync(GalleryPath)).AsSpan().IndexOf("angelina"u8).Should().Be(-1, "names are encrypted with the faces");
        await FluentActions.Awaiting(() => InMemoryFaceGallery.LoadAsync(GalleryPath)).Should().ThrowAsync<GalleryFormatException>();
        using WebApplicationFactory<Program> restarted = Service(keyFile: keyFile);
        using HttpClient client = SampleHost.Client(restarted, SampleHost.AllScopes);
        (await IdentifyAsync(client, "angelina_jolie.png")).Should().Be("angelina");
    }

    [Fact]
    public async Task No_log_event_of_any_endpoint_holds_embedding_values_or_image_bytes_and_the_audit_trail_says_who_did_what_to_whom_and_when()
    {
        var logs = new CapturedLogs();
        DateTimeOffset started = DateTimeOffset.UtcNow;
        float[][] stored;
        using (WebApplicationFactory<Program> service = Service(logs))
        {
            using HttpClient admin = SampleHost.Client(service, SampleHost.AllScopes);
            using HttpClient kiosk = SampleHost.Client(service, SampleHost.IdentifyOnly);
            using HttpClient anonymous = SampleHost.Client(service, null);
            await EnrolAsync(admin, "paul", "paul_rudd.png");
            await EnrolAsync(admin, "angelina", "angelina_jolie.png");
            stored = await StoredEmbeddingsAsync();
            (await PostPhotosAsync(admin, "/verify", ("first", "paul_rudd.png"), ("second", "angelina_jolie.png"))).StatusCode.Should().Be(HttpStatusCode.OK);
            (await IdentifyAsync(kiosk, "angelina_jolie.png")).Should().Be("angelina");
            (await PostPhotosAsync(kiosk, "/people/eve/faces", ("photo", "paul_rudd.png"))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await PostPhotosAsync(anonymous, "/identify", ("photo", "paul_rudd.png"))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await PostPhotosAsync(admin, "/identify", ("photo", "blank.png"))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await admin.DeleteAsync("/people/paul")).StatusCode.Should().Be(HttpStatusCode.NoContent);
            (await admin.DeleteAsync("/people/nobody")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
        DateTimeOffset ended = DateTimeOffset.UtcNow;
        IReadOnlyList<CapturedLogEvent> events = logs.Events;
        events.Should().Contain(e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && e.Level == LogLevel.Trace,
            "the capture sees every level of every category");

        // No embedding value as a number anywhere in a log: written in full (round-trip), to 7 significant digits, or to
        // 4-6 decimals. Durations ("12.3456ms", *Elapsed* values) are left out: they are the only such numbers ASP.NET logs.
        var numbers = events.SelectMany(e => new[] { e.Message, e.Exception ?? "" }
                .Concat(e.Values.Where(value => !value.Key.Contains("Elapsed", StringComparison.OrdinalIgnoreCase)).Select(value => $"{value.Value}")))
            .SelectMany(text => NumberToken().Matches(text).Select(match => match.Value))
            .ToHashSet(StringComparer.Ordinal);
        var embeddingTexts = stored.SelectMany(face => face).Where(value => Math.Abs(value) >= 1e-3)
            .SelectMany(value => NumberFormats.Select(format => value.ToString(format, System.Globalization.CultureInfo.InvariantCulture)));
        numbers.Intersect(embeddingTexts).Should().BeEmpty();
        // No image bytes: not as values, nor written as base64, hex or Latin-1 text.
        events.SelectMany(e => e.Values).Select(value => value.Value).Should()
            .NotContain(value => value is Tensor || value is byte[] || value is float[] || value is Stream || value is IFormFile || value is IFormFileCollection || value is ReadOnlyMemory<byte>);
        foreach (string photo in new[] { "paul_rudd.png", "angelina_jolie.png", "blank.png" })
        {
            byte[] bytes = PhotoBytes(photo);
            string[] forms = [Convert.ToBase64String(bytes, 8, 48), Convert.ToHexString(bytes, 8, 24), Convert.ToHexString(bytes, 8, 24).ToLowerInvariant(),
                System.Text.Encoding.Latin1.GetString(bytes, 0, 16)];
            events.Should().NotContain(e => forms.Any(form => e.Text.Contains(form, StringComparison.Ordinal)), photo);
        }

        // The audit trail: one event per operation, naming the key, the person or outcome, and the time.
        CapturedLogEvent[] audit = events.Where(e => e.Category == "FaceEmbeddings.Samples.WebApi.AuditTrail").ToArray();
        audit.Select(e => (e.EventId.Id, Value(e, "KeyId"))).Should().Equal(
            (901, "admin"), (901, "admin"), (903, "admin"), (902, "kiosk"), (904, "admin"), (904, "admin"));
        audit.Where(e => e.EventId.Id != 903).Select(e => Value(e, "Person") ?? Value(e, "Outcome"))
            .Should().Equal("paul", "angelina", "angelina", "paul", "nobody");
        audit.Where(e => e.EventId.Id == 904).Select(e => Value(e, "Outcome")).Should().Equal("erased", "not enrolled, nothing to erase");
        audit.Select(e => e.Values.FirstOrDefault(value => value.Key == "At").Value).Should()
            .AllBeOfType<DateTimeOffset>().And.AllSatisfy(at => ((DateTimeOffset)at!).Should().BeOnOrAfter(started).And.BeOnOrBefore(ended));
    }

    private static string? Value(CapturedLogEvent logEvent, string key) =>
        logEvent.Values.FirstOrDefault(value => value.Key == key).Value?.ToString();

    /// <summary>A decimal number with 4 or more decimals, not a duration in milliseconds.</summary>
    [GeneratedRegex(@"-?\d+\.\d{4,}(?:[eE][-+]?\d+)?(?!\d|ms)")]
    private static partial Regex NumberToken();
}
