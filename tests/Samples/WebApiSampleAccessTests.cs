using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using FaceEmbeddings.Samples.WebApi;
using FaceEmbeddings.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaceEmbeddings.Tests.Samples;

/// <summary>
/// Who may use the sample service: an API key in <c>X-Api-Key</c> with the endpoint's scope (401 without a valid key,
/// 403 without the scope), keys compared in constant time, and no start without keys unless anonymous access is set.
/// </summary>
public sealed class WebApiSampleAccessTests(WebApiSampleTests.SampleService service) : IClassFixture<WebApiSampleTests.SampleService>
{
    private static MultipartFormDataContent PhotoForm(string field = "photo")
    {
        var content = new ByteArrayContent(File.ReadAllBytes(SharedData.PathOf("fixtures/images/paul_rudd.png")));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return new MultipartFormDataContent { { content, field, "paul.png" } };
    }

    /// <summary>A request that passes authorization gets 400 (not a form): the cheapest proof that it was let in.</summary>
    private static async Task<HttpStatusCode> IdentifyWithoutAPhotoAsync(HttpClient client)
    {
        using var notAForm = new StringContent("{}");
        using HttpResponseMessage response = await client.PostAsync("/identify", notAForm);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_request_without_a_valid_key_gets_401_and_a_key_without_the_scope_gets_403()
    {
        using HttpClient anonymous = SampleHost.Client(service, null);
        using HttpClient wrong = SampleHost.Client(service, SampleHost.AllScopes.Replace("0", "1", StringComparison.Ordinal));
        using HttpClient kiosk = SampleHost.Client(service, SampleHost.IdentifyOnly);

        using (MultipartFormDataContent form = PhotoForm())
        using (HttpResponseMessage noKey = await anonymous.PostAsync("/identify", form))
        {
            noKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            noKey.Headers.WwwAuthenticate.ToString().Should().Contain("X-Api-Key");
        }
        using (MultipartFormDataContent form = PhotoForm())
            (await wrong.PostAsync("/identify", form)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using (MultipartFormDataContent form = PhotoForm())
            (await kiosk.PostAsync("/people/paul/faces", form)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using (MultipartFormDataContent form = PhotoForm("first"))
            (await kiosk.PostAsync("/verify", form)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using (MultipartFormDataContent form = PhotoForm())
        using (HttpResponseMessage identified = await kiosk.PostAsync("/identify", form))
            identified.StatusCode.Should().Be(HttpStatusCode.OK, await identified.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_service_does_not_start_without_keys_unless_anonymous_access_is_set_explicitly()
    {
        SampleHost.StartFailure(() => Unconfigured()).Should().BeOfType<OptionsValidationException>()
            .Which.Message.Should().Match("*Sample:ApiKeys has no key*Sample:AllowAnonymous=true*");

        using var anonymousService = Unconfigured(("Sample:AllowAnonymous", "true"));
        using HttpClient anonymous = SampleHost.Client(anonymousService, null);
        using HttpClient wrongKey = SampleHost.Client(anonymousService, "not-a-configured-key-not-a-configured-key");
        (await IdentifyWithoutAPhotoAsync(anonymous)).Should().Be(HttpStatusCode.BadRequest, "anonymous requests are served when asked for");
        (await IdentifyWithoutAPhotoAsync(wrongKey)).Should().Be(HttpStatusCode.Unauthorized, "a wrong key is refused even so");
    }

    [Fact]
    public void Short_keys_unknown_scopes_and_repeated_keys_stop_the_start_naming_the_setting_and_never_the_key()
    {
        const string Short = "short-key";
        var refused = SampleHost.StartFailure(() => Unconfigured(
            ("Sample:ApiKeys:0:Key", Short), ("Sample:ApiKeys:0:Scopes", "identify"),
            ("Sample:ApiKeys:1:Key", SampleHost.AllScopes), ("Sample:ApiKeys:1:Scopes", "identify,delete"),
            ("Sample:ApiKeys:2:Key", SampleHost.AllScopes), ("Sample:ApiKeys:2:Scopes", "erase")))
            .Should().BeOfType<OptionsValidationException>().Which;

        refused.Failures.Should().Contain(failure => failure.Contains("Sample:ApiKeys:0:Key must have at least 32 characters", StringComparison.Ordinal))
            .And.Contain(failure => failure.Contains("Sample:ApiKeys:1:Scopes has 'delete'", StringComparison.Ordinal))
            .And.Contain(failure => failure.Contains("the same key twice", StringComparison.Ordinal));
        refused.Message.Should().NotContain(Short).And.NotContain(SampleHost.AllScopes);
    }

    [Fact]
    public void The_registered_key_comparer_is_the_fixed_time_one_and_it_calls_CryptographicOperations_FixedTimeEquals()
    {
        service.Services.GetRequiredService<IKeyComparer>().Should().BeOfType<FixedTimeKeyComparer>();

        // The comparer's IL: its call instructions (opcode 0x28) name FixedTimeEquals.
        MethodInfo equal = typeof(FixedTimeKeyComparer).GetMethod(nameof(FixedTimeKeyComparer.Equal))!;
        byte[] il = equal.GetMethodBody()!.GetILAsByteArray()!;
        MethodInfo fixedTime = typeof(CryptographicOperations).GetMethod(nameof(CryptographicOperations.FixedTimeEquals), [typeof(ReadOnlySpan<byte>), typeof(ReadOnlySpan<byte>)])!;
        Enumerable.Range(0, il.Length - 4).Where(offset => il[offset] == 0x28)
            .Select(offset => equal.Module.ResolveMethod(BitConverter.ToInt32(il, offset + 1)))
            .Should().Contain(fixedTime);
    }

    [Fact]
    public async Task The_handler_compares_a_presented_key_with_every_configured_key_through_the_comparer()
    {
        var spy = new RecordingComparer();
        using var spied = service.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IKeyComparer>(spy)));
        using HttpClient admin = SampleHost.Client(spied, SampleHost.AllScopes);
        using HttpClient wrong = SampleHost.Client(spied, "not-a-configured-key-not-a-configured-key");

        (await IdentifyWithoutAPhotoAsync(admin)).Should().Be(HttpStatusCode.BadRequest);
        spy.Calls.Should().Be(2, "the first key matches, and the second is compared all the same");
        (await IdentifyWithoutAPhotoAsync(wrong)).Should().Be(HttpStatusCode.Unauthorized);
        spy.Calls.Should().Be(4);
    }

    [Fact]
    public async Task A_key_over_its_requests_per_minute_gets_429_with_Retry_After_and_other_keys_go_on()
    {
        using var limited = service.WithWebHostBuilder(builder => builder.UseSetting("Sample:RateLimit:PermitsPerMinute", "2"));
        using HttpClient admin = SampleHost.Client(limited, SampleHost.AllScopes);
        using HttpClient kiosk = SampleHost.Client(limited, SampleHost.IdentifyOnly);

        (await IdentifyWithoutAPhotoAsync(admin)).Should().Be(HttpStatusCode.BadRequest);
        (await IdentifyWithoutAPhotoAsync(admin)).Should().Be(HttpStatusCode.BadRequest);
        using var notAForm = new StringContent("{}");
        using HttpResponseMessage third = await admin.PostAsync("/identify", notAForm);

        third.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        third.Headers.RetryAfter!.Delta!.Value.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        (await IdentifyWithoutAPhotoAsync(kiosk)).Should().Be(HttpStatusCode.BadRequest, "each key has its own limit");
    }

    /// <summary>The service with the offline models and only <paramref name="settings"/> for access.</summary>
    private static WebApplicationFactory<Program> Unconfigured(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            SampleHost.UseOfflineModels(builder);
            foreach ((string key, string value) in settings)
                builder.UseSetting(key, value);
        });

    /// <summary>Counts comparisons and answers as the fixed-time comparer does.</summary>
    private sealed class RecordingComparer : IKeyComparer
    {
        private int calls;

        public int Calls => calls;

        public bool Equal(ReadOnlySpan<byte> presented, ReadOnlySpan<byte> configured)
        {
            Interlocked.Increment(ref calls);
            return new FixedTimeKeyComparer().Equal(presented, configured);
        }
    }
}
