using System.Security.Claims;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

namespace FaceEmbeddings.Samples.WebApi;

/// <summary>
/// The service's operations: three on uploaded photos (multipart/form-data) and erasure, each needing its scope
/// (<see cref="SampleScopes"/>) and each recorded in the audit trail.
/// </summary>
internal static class FaceEndpoints
{
    public static void MapFaceEndpoints(this IEndpointRouteBuilder app)
    {
        // Services are marked [FromServices]: a service missing from the container is then a start-up error, not a
        // parameter read from the request body.
        // Two photos in fields "first" and "second": are they the same person?
        app.MapPost("/verify", async (HttpRequest request, ClaimsPrincipal user, [FromServices] PhotoUploads uploads, [FromServices] IFaceEncoder encoder,
            [FromServices] IOptions<SampleOptions> options, [FromServices] AuditTrail audit, CancellationToken cancellationToken) =>
        {
            using FaceCropBatch first = await uploads.ReadFaceAsync(request, "first", cancellationToken);
            using FaceCropBatch second = await uploads.ReadFaceAsync(request, "second", cancellationToken);
            // Set or defaulted, and checked, at start-up.
            var threshold = new VerificationThreshold(options.Value.MatchThreshold!.Value, DistanceMetric.Euclidean, "Sample:MatchThreshold");
            FaceVerification result = new FaceVerifier(encoder, threshold).Verify(first[0], second[0]);
            audit.Verified(user, result.IsMatch);
            return Results.Ok(new VerifyResponse(result.IsMatch, result.Distance, result.Threshold));
        }).RequireAuthorization(SampleScopes.Verify);

        // One photo in field "photo": adds its face to the person named in the route.
        app.MapPost("/people/{name}/faces", async (string name, HttpRequest request, ClaimsPrincipal user, [FromServices] PhotoUploads uploads,
            [FromServices] IFaceEncoder encoder, [FromServices] IFaceGallery gallery, [FromServices] SampleGallery store, [FromServices] AuditTrail audit,
            CancellationToken cancellationToken) =>
        {
            using FaceCropBatch face = await uploads.ReadFaceAsync(request, "photo", cancellationToken);
            using Tensor embedding = encoder.Embed(face[0]);
            IReadOnlyList<long> ids = await gallery.EnrollAsync(name, embedding, cancellationToken: cancellationToken);
            await store.CommitAsync();
            audit.Enrolled(user, name, ids[0]);
            return Results.Created($"/people/{Uri.EscapeDataString(name)}", new EnrolResponse(name, ids[0]));
        }).RequireAuthorization(SampleScopes.Enrol);

        // One photo in field "photo": who is it, among the people enrolled?
        app.MapPost("/identify", async (HttpRequest request, ClaimsPrincipal user, [FromServices] PhotoUploads uploads, [FromServices] IFaceEncoder encoder,
            [FromServices] IFaceGallery gallery, [FromServices] IOptions<SampleOptions> options, [FromServices] AuditTrail audit, CancellationToken cancellationToken) =>
        {
            using FaceCropBatch face = await uploads.ReadFaceAsync(request, "photo", cancellationToken);
            var identifier = new FaceIdentifier(encoder, gallery, new GallerySearchOptions { Threshold = options.Value.MatchThreshold!.Value });
            IdentityMatch? best = (await identifier.IdentifyAsync(face[0], cancellationToken)).Best;
            audit.Identified(user, best?.Identity);
            return Results.Ok(new IdentifyResponse(best?.Identity, best?.Distance));
        }).RequireAuthorization(SampleScopes.Identify);

        // Erases the person named in the route: their name and every face; gone from the gallery's file, when it has
        // one, before the answer (204, or 404 when nobody has that name).
        app.MapDelete("/people/{name}", async (string name, ClaimsPrincipal user, [FromServices] IFaceGallery gallery, [FromServices] SampleGallery store,
            [FromServices] AuditTrail audit, CancellationToken cancellationToken) =>
        {
            bool erased = await gallery.RemoveIdentityAsync(name, cancellationToken);
            if (erased) await store.CommitAsync();
            audit.Erased(user, name, erased);
            return erased ? Results.NoContent() : Results.NotFound();
        }).RequireAuthorization(SampleScopes.Erase);
    }
}

/// <summary>The answer of <c>/verify</c>.</summary>
internal sealed record VerifyResponse(bool SamePerson, double Distance, double Threshold);

/// <summary>The answer of <c>/people/{name}/faces</c>.</summary>
internal sealed record EnrolResponse(string Name, long FaceId);

/// <summary>The answer of <c>/identify</c>: the person, or null when nobody enrolled is close enough.</summary>
internal sealed record IdentifyResponse(string? Name, double? Distance);
