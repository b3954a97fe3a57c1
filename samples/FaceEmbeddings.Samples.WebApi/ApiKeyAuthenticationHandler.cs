using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FaceEmbeddings.Samples.WebApi;

/// <summary>
/// Authenticates a request by the API key in its <c>X-Api-Key</c> header (<see cref="ApiKeyRing"/>): the principal is
/// named by the key's id and holds its scopes as <see cref="SampleScopes.ClaimType"/> claims. Without the header, the
/// request is anonymous, and gets every scope only when <c>Sample:AllowAnonymous</c> is true; a wrong key is refused
/// either way. The authorization policies (one per scope) then answer 401 or 403.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyRing keys, IOptions<SampleOptions> sample)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The request header that carries the key.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <summary>The id of requests served without a key under <c>Sample:AllowAnonymous</c>.</summary>
    public const string AnonymousId = "anonymous";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return Task.FromResult(sample.Value.AllowAnonymous
                ? Success(AnonymousId, SampleScopes.All)
                : AuthenticateResult.NoResult());
        }
        // The reason is logged by the base class: it names the header, never what it held.
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
            return Task.FromResult(AuthenticateResult.Fail($"The {HeaderName} header must hold exactly one key."));
        return Task.FromResult(keys.Find(values[0]!) is { } key
            ? Success(key.Id, key.Scopes)
            : AuthenticateResult.Fail($"The {HeaderName} header holds no configured key."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        return Task.CompletedTask;
    }

    private static AuthenticateResult Success(string id, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(
            scopes.Select(scope => new Claim(SampleScopes.ClaimType, scope)).Prepend(new Claim(ClaimTypes.NameIdentifier, id)),
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
