using System.Security.Claims;

namespace FaceEmbeddings.Samples.WebApi;

/// <summary>
/// The service's audit trail, through <see cref="ILogger"/> (category <c>FaceEmbeddings.Samples.WebApi.AuditTrail</c>,
/// event ids 901–904): who (the API key's id), what (enrol, identify, verify, erase), about whom (the person's name,
/// or the outcome) and when (UTC). It never holds a face: no image, crop, embedding or distance.
/// </summary>
internal sealed partial class AuditTrail(ILogger<AuditTrail> logger, TimeProvider time)
{
    public void Enrolled(ClaimsPrincipal user, string person, long faceId) => LogEnrolled(logger, KeyIdOf(user), person, faceId, time.GetUtcNow());

    public void Identified(ClaimsPrincipal user, string? person) => LogIdentified(logger, KeyIdOf(user), person ?? "nobody enrolled", time.GetUtcNow());

    public void Verified(ClaimsPrincipal user, bool samePerson) =>
        LogVerified(logger, KeyIdOf(user), samePerson ? "the same person" : "different people", time.GetUtcNow());

    public void Erased(ClaimsPrincipal user, string person, bool found) =>
        LogErased(logger, KeyIdOf(user), person, found ? "erased" : "not enrolled, nothing to erase", time.GetUtcNow());

    private static string KeyIdOf(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? ApiKeyAuthenticationHandler.AnonymousId;

    [LoggerMessage(901, LogLevel.Information, "Audit: {KeyId} enrolled a face of {Person} (face {FaceId}) at {At:o}")]
    private static partial void LogEnrolled(ILogger logger, string keyId, string person, long faceId, DateTimeOffset at);

    [LoggerMessage(902, LogLevel.Information, "Audit: {KeyId} identified a photo: {Outcome} at {At:o}")]
    private static partial void LogIdentified(ILogger logger, string keyId, string outcome, DateTimeOffset at);

    [LoggerMessage(903, LogLevel.Information, "Audit: {KeyId} verified two photos: {Outcome} at {At:o}")]
    private static partial void LogVerified(ILogger logger, string keyId, string outcome, DateTimeOffset at);

    [LoggerMessage(904, LogLevel.Information, "Audit: {KeyId} asked to erase {Person}: {Outcome} at {At:o}")]
    private static partial void LogErased(ILogger logger, string keyId, string person, string outcome, DateTimeOffset at);
}
