using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace FaceEmbeddings.Samples.WebApi;

/// <summary>
/// Each API key may make <c>Sample:RateLimit:PermitsPerMinute</c> requests a minute (a fixed window per key id); one
/// over gets 429 with <c>Retry-After</c>. Requests without a valid key share a window per client address, so that
/// guessing keys is bounded too.
/// </summary>
internal static class SampleRateLimiting
{
    public static IServiceCollection AddPerKeyRateLimiter(this IServiceCollection services) => services.AddRateLimiter(limiter =>
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
            PartitionOf(context),
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = context.RequestServices.GetRequiredService<IOptions<SampleOptions>>().Value.RateLimit.PermitsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
        limiter.OnRejected = (rejected, _) =>
        {
            if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter))
                rejected.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return ValueTask.CompletedTask;
        };
    });

    private static string PartitionOf(HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } keyId
            ? "key:" + keyId
            : "address:" + context.Connection.RemoteIpAddress;
}
