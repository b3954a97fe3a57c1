using FaceEmbeddings.DependencyInjection;
using FaceEmbeddings.Samples.WebApi;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

// The detector, the encoder, the model store and the gallery, configured by the "FaceEmbeddings" section
// (appsettings.json) and checked when the host starts.
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
builder.Services.AddSingleton<PhotoUploads>();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadUploadHandler>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapFaceEndpoints();
app.Run();

/// <summary>The entry point, visible to tests that host the service in process (WebApplicationFactory).</summary>
public partial class Program;
