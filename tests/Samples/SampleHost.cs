using FaceEmbeddings.Samples.WebApi;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FaceEmbeddings.Tests.Samples;

/// <summary>How the sample-service tests host it: offline models, the API keys they configure, and clients that send them.</summary>
internal static class SampleHost
{
    /// <summary>
    /// The shared MTCNN weights and the random-weight InceptionResnetV1 checkpoint, offline; that checkpoint has no
    /// published threshold, so the service needs one set.
    /// </summary>
    public static void UseOfflineModels(IWebHostBuilder builder)
    {
        builder.UseSetting("FaceEmbeddings:ModelsPath", SharedData.PathOf("models"));
        builder.UseSetting("FaceEmbeddings:Offline", "true");
        builder.UseSetting("FaceEmbeddings:EncoderCheckpoint", SharedData.PathOf(FaceNetReference.CheckpointPath));
        builder.UseSetting("Sample:MatchThreshold", "1.1");
    }

    /// <summary>
    /// What stops the service <paramref name="createService"/> makes from starting. WebApplicationFactory runs a
    /// minimal-hosting app's start on the app's own thread; when that start fails, the thread can dispose the host before
    /// the factory reads from it, and the factory then throws an ObjectDisposedException instead of the start's own
    /// exception (a race inside Microsoft.AspNetCore.Mvc.Testing). A fresh service is tried again then, a few times.
    /// </summary>
    /// <exception cref="Xunit.Sdk.XunitException">The service started.</exception>
    public static Exception StartFailure(Func<WebApplicationFactory<Program>> createService)
    {
        for (int attempt = 1; ; attempt++)
        {
            using WebApplicationFactory<Program> service = createService();
            try
            {
                service.CreateClient().Dispose();
            }
            catch (ObjectDisposedException) when (attempt < 5)
            {
                continue;
            }
            catch (Exception failure)
            {
                return failure;
            }
            throw new Xunit.Sdk.XunitException("The service started.");
        }
    }

    /// <summary>A key with every scope, id "admin".</summary>
    public const string AllScopes = "test-key-with-every-scope-0123456789abcdef";

    /// <summary>A key that may only identify, id "kiosk".</summary>
    public const string IdentifyOnly = "test-key-that-may-only-identify-0123456789";

    /// <summary>Configures <see cref="AllScopes"/> and <see cref="IdentifyOnly"/>.</summary>
    public static void UseKeys(IWebHostBuilder builder)
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
