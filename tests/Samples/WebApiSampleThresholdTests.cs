using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace FaceEmbeddings.Tests.Samples;

/// <summary>
/// The sample service's match threshold: the configured encoder's published one unless set, and a start-up error for an
/// encoder that has none.
/// </summary>
public sealed class WebApiSampleThresholdTests
{
    private static WebApplicationFactory<Program> Service(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("FaceEmbeddings:ModelsPath", SharedData.PathOf("models"));
            builder.UseSetting("FaceEmbeddings:Offline", "true");
            // These tests are about thresholds, not access (WebApiSampleAccessTests).
            builder.UseSetting("Sample:AllowAnonymous", "true");
            foreach ((string key, string value) in settings)
                builder.UseSetting(key, value);
        });

    [Fact]
    public void A_checkpoint_without_a_threshold_stops_the_start_naming_the_setting()
    {
        SampleHost.StartFailure(() => Service(("FaceEmbeddings:EncoderCheckpoint", SharedData.PathOf(FaceNetReference.CheckpointPath))))
            .Should().BeOfType<OptionsValidationException>()
            .Which.Message.Should().Match("*Sample:MatchThreshold must be set*ThresholdCalibration*");
    }

    [Fact]
    public async Task Face_apis_encoder_verifies_with_dlibs_threshold_and_tells_Biden_from_Obama()
    {
        using var service = Service(("FaceEmbeddings:EncoderModel", ModelCatalog.FaceApiResNetManifest));
        using HttpClient client = service.CreateClient();

        JsonElement same = await VerifyAsync(client, "biden/biden.jpg", "biden/biden2.jpg");
        JsonElement different = await VerifyAsync(client, "biden/biden.jpg", "obama/obama.jpg");

        same.GetProperty("threshold").GetDouble().Should().Be(0.6);
        same.GetProperty("samePerson").GetBoolean().Should().BeTrue(same.ToString());
        different.GetProperty("samePerson").GetBoolean().Should().BeFalse(different.ToString());
    }

    private static async Task<JsonElement> VerifyAsync(HttpClient client, string first, string second)
    {
        using var form = new MultipartFormDataContent();
        foreach ((string field, string photo) in new[] { ("first", first), ("second", second) })
        {
            var content = new ByteArrayContent(File.ReadAllBytes(SharedData.PathOf("data/people/" + photo)));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(content, field, Path.GetFileName(photo));
        }
        using HttpResponseMessage response = await client.PostAsync("/verify", form);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
