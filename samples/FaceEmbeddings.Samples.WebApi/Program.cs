using FaceEmbeddings.DependencyInjection;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Samples.WebApi;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

// The detector, the encoder, the model store and the gallery, configured by the "FaceEmbeddings" section
// (appsettings.json) and checked when the host starts; the gallery is the sample's own, kept in a file when
// Sample:GalleryPath is set (registered first, so AddFaceEmbeddings keeps it).
builder.Services.AddSingleton<IFaceGallery>(SampleGallery.Open);
builder.Services.AddSingleton<SampleGallery>();
builder.Services.AddFaceEmbeddings().BindConfiguration(FaceEmbeddingsOptions.SectionName);

builder.Services.AddOptions<SampleOptions>().BindConfiguration(SampleOptions.SectionName)
    .PostConfigure<IOptions<FaceEmbeddingsOptions>>((sample, faces) => sample.MatchThreshold ??= SampleOptions.PublishedThresholdOf(faces.Value))
    .Validate(sample => sample.MatchThreshold is not null,
        "Sample:MatchThreshold must be set: the encoder that FaceEmbeddings:EncoderModel / EncoderCheckpoint chooses has no published threshold (measure one with ThresholdCalibration.ForFalseMatchRate).")
    .ValidateDataAnnotations().ValidateOnStart();
builder.Services.Configure<FormOptions>(form =>
{
    // Two photos and the multipart framing; a larger body fails the form read (400) before it is buffered.
    form.MultipartBodyLengthLimit = 2 * builder.Configuration.GetValue(SampleOptions.SectionName + ":MaxUploadBytes", SampleOptions.DefaultMaxUploadBytes) + 64 * 1024;
});
builder.Services.AddSingleton<IValidateOptions<SampleOptions>, SampleOptionsValidator>();

// Who may do what: an API key per client, with scopes (see SampleScopes); every endpoint names the scope it needs,
// and an endpoint that names none still needs a key (the fallback policy).
builder.Services.TryAddSingleton<IKeyComparer, FixedTimeKeyComparer>();
builder.Services.AddSingleton<ApiKeyRing>();
builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
var authorization = builder.Services.AddAuthorizationBuilder()
    .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
foreach (string scope in SampleScopes.All)
    authorization.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().RequireClaim(SampleScopes.ClaimType, scope));

builder.Services.AddPerKeyRateLimiter();
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSingleton<AuditTrail>();
builder.Services.AddSingleton<PhotoUploads>();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadUploadHandler>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseRateLimiter();   // after authentication, which names the key a request counts against
app.UseAuthorization();
app.MapFaceEndpoints();
app.Run();

/// <summary>The entry point, visible to tests that host the service in process (WebApplicationFactory).</summary>
public partial class Program;
