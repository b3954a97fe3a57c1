using FaceEmbeddings.Samples.WebApi;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FaceEmbeddings.Tests.Samples;

/// <summary>The API keys the sample-service tests configure, and clients that send them.</summary>
internal static class SampleKeys
{
    /// <summary>A key with every scope, id "admin".</summary>
    public const string AllScopes = "test-key-with-every-scope-0123456789abcdef";

    /// <summary>A key that may only identify, id "kiosk".</summary>
    public const string IdentifyOnly = "test-key-that-may-only-identify-0123456789";

    /// <summary>Configures <see cref="AllScopes"/> and <see cref="IdentifyOnly"/>.</summary>
    public static void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Sample:ApiKeys:0:Id", "admin");
        builder.UseSetting("Sample:ApiKeys:0:Key", AllScopes);
        builder.UseSetting("Sample:ApiKeys:0:Scopes", "enrol, identify, verify, erase");
        builder.UseSetting("Sample:ApiKeys:1:Id", "kiosk");
        builder.UseSetting("Sample:ApiKeys:1:Key", IdentifyOnly);
        builder.UseSetting("Sample:ApiKeys:1:Scopes", "identify");
    }

    /// <summary>A client of <paramref name="service"/> that sends <paramref name="key"/> (none when null).</summary>
    public static HttpClient Client(WebApplicationFactory<Program> service, string? key)
    {
        HttpClient client = service.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        return client;
    }
}
