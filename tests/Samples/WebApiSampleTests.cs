using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaceEmbeddings.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FaceEmbeddings.Tests.Samples;

/// <summary>
/// The sample service (samples/FaceEmbeddings.Samples.WebApi) in process, offline: the shared MTCNN weights and the
/// random-weight InceptionResnetV1 checkpoint, so its distances exercise the plumbing and say nothing about accuracy.
/// Every bad upload gets 400 with a problem-details body naming the field, never a 500.
/// </summary>
public sealed class WebApiSampleTests : IClassFixture<WebApiSampleTests.SampleService>
{
    private const int MaxUploadBytes = 1 << 20;
    private readonly SampleService _service;

    public WebApiSampleTests(SampleService service) => _service = service;

    /// <summary>The service with the offline models and a 1 MiB photo limit, started once for the class.</summary>
    public sealed class SampleService : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            SampleHost.UseOfflineModels(builder);
            SampleHost.UseKeys(builder);
            builder.UseSetting("Sample:MaxUploadBytes", MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static ByteArrayContent Photo(byte[] bytes, string mediaType = "image/png")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private static ByteArrayContent SharedPhoto(string name) => Photo(File.ReadAllBytes(SharedData.PathOf($"fixtures/images/{name}")));

    private async Task<HttpResponseMessage> PostAsync(string path, params (string Field, HttpContent Content)[] parts)
    {
        using var form = new MultipartFormDataContent();
        foreach ((string field, HttpContent content) in parts)
            form.Add(content, field, field + ".png");
        using HttpClient client = SampleHost.Client(_service, SampleHost.AllScopes);
        return await client.PostAsync(path, form);
    }

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response, string field)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be(400);
        problem.GetProperty("field").GetString().Should().Be(field);
        return problem;
    }

    [Fact]
    public async Task Verify_finds_the_same_photo_the_same_person_and_two_people_farther_apart()
    {
        using HttpResponseMessage same = await PostAsync("/verify", ("first", SharedPhoto("paul_rudd.png")), ("second", SharedPhoto("paul_rudd.png")));
        using HttpResponseMessage different = await PostAsync("/verify", ("first", SharedPhoto("paul_rudd.png")), ("second", SharedPhoto("angelina_jolie.png")));

        same.StatusCode.Should().Be(HttpStatusCode.OK, await same.Content.ReadAsStringAsync());
        different.StatusCode.Should().Be(HttpStatusCode.OK, await different.Content.ReadAsStringAsync());
        JsonElement sameBody = await same.Content.ReadFromJsonAsync<JsonElement>();
        JsonElement differentBody = await different.Content.ReadFromJsonAsync<JsonElement>();
        sameBody.GetProperty("distance").GetDouble().Should().BeLessThan(1e-3, "one photo twice gives one embedding");
        sameBody.GetProperty("samePerson").GetBoolean().Should().BeTrue();
        differentBody.GetProperty("distance").GetDouble().Should().BeGreaterThan(sameBody.GetProperty("distance").GetDouble() + 1e-3);
        differentBody.GetProperty("threshold").GetDouble().Should().Be(1.1);
    }

    [Fact]
    public async Task Not_an_image_is_a_400_problem()
    {
        using HttpResponseMessage response = await PostAsync("/verify",
            ("first", Photo("this is not a picture"u8.ToArray())), ("second", SharedPhoto("paul_rudd.png")));

        JsonElement problem = await ProblemOf(response, "first");
        problem.GetProperty("detail").GetString().Should().Contain("not an image");
    }

    [Fact]
    public async Task A_photo_over_the_limit_is_a_400_problem()
    {
        byte[] large = new byte[MaxUploadBytes + 1];
        new Random(19).NextBytes(large);

        using HttpResponseMessage response = await PostAsync("/verify", ("first", SharedPhoto("paul_rudd.png")), ("second", Photo(large)));

        JsonElement problem = await ProblemOf(response, "second");
        problem.GetProperty("detail").GetString().Should().Contain($"at most {MaxUploadBytes}");
    }

    [Fact]
    public async Task A_body_over_the_form_limit_is_a_400_problem_too()
    {
        // Larger than both photos together may be: the form reader stops before the handler sees a file.
        byte[] huge = new byte[3 * MaxUploadBytes];

        using HttpResponseMessage response = await PostAsync("/verify", ("first", Photo(huge)));

        JsonElement problem = await ProblemOf(response, "first");
        problem.GetProperty("detail").GetString().Should().Contain("too large");
    }

    [Fact]
    public async Task A_photo_without_a_face_is_a_400_problem()
    {
        using HttpResponseMessage response = await PostAsync("/identify", ("photo", SharedPhoto("blank.png")));

        JsonElement problem = await ProblemOf(response, "photo");
        problem.GetProperty("detail").GetString().Should().Contain("no face");
    }

    [Fact]
    public async Task A_missing_field_or_a_body_that_is_not_a_form_is_a_400_problem()
    {
        using HttpResponseMessage missing = await PostAsync("/verify", ("first", SharedPhoto("paul_rudd.png")));
        (await ProblemOf(missing, "second")).GetProperty("detail").GetString().Should().Contain("no file");

        using HttpClient client = SampleHost.Client(_service, SampleHost.AllScopes);
        using HttpResponseMessage json = await client.PostAsJsonAsync("/identify", new { photo = "paul_rudd.png" });
        (await ProblemOf(json, "photo")).GetProperty("detail").GetString().Should().Contain("multipart/form-data");
    }

    [Fact]
    public async Task Enrolled_people_are_identified_from_their_photo()
    {
        using HttpResponseMessage paul = await PostAsync("/people/paul/faces", ("photo", SharedPhoto("paul_rudd.png")));
        using HttpResponseMessage angelina = await PostAsync("/people/angelina/faces", ("photo", SharedPhoto("angelina_jolie.png")));
        paul.StatusCode.Should().Be(HttpStatusCode.Created, await paul.Content.ReadAsStringAsync());
        angelina.StatusCode.Should().Be(HttpStatusCode.Created, await angelina.Content.ReadAsStringAsync());

        using HttpResponseMessage who = await PostAsync("/identify", ("photo", SharedPhoto("angelina_jolie.png")));

        who.StatusCode.Should().Be(HttpStatusCode.OK, await who.Content.ReadAsStringAsync());
        JsonElement match = await who.Content.ReadFromJsonAsync<JsonElement>();
        match.GetProperty("name").GetString().Should().Be("angelina");
        match.GetProperty("distance").GetDouble().Should().BeLessThan(1e-3, "the enrolled photo itself");
    }
}
