using Microsoft.Extensions.Options;

namespace FaceEmbeddings.Samples.WebApi;

/// <summary>
/// Checks the access settings when the service starts: at least one key unless anonymous access is asked for by name,
/// keys long enough and distinct, ids distinct, scopes known, a positive rate limit. Messages name the setting, never a key.
/// </summary>
internal sealed class SampleOptionsValidator : IValidateOptions<SampleOptions>
{
    public ValidateOptionsResult Validate(string? name, SampleOptions options)
    {
        var failures = new List<string>();
        if (options.ApiKeys.Count == 0 && !options.AllowAnonymous)
        {
            failures.Add("Sample:ApiKeys has no key, and the service does not serve faces to anyone who can reach it: configure "
                + "Sample:ApiKeys:0:Key and Sample:ApiKeys:0:Scopes (e.g. from environment variables Sample__ApiKeys__0__Key), "
                + "or set Sample:AllowAnonymous=true for a trial on a machine no one else reaches.");
        }
        for (int index = 0; index < options.ApiKeys.Count; index++)
        {
            ApiKeyOptions key = options.ApiKeys[index];
            if (key.Key.Length < ApiKeyOptions.MinimumKeyLength)
                failures.Add($"Sample:ApiKeys:{index}:Key must have at least {ApiKeyOptions.MinimumKeyLength} characters (e.g. 'openssl rand -base64 32').");
            if (key.ScopeList.Count == 0)
                failures.Add($"Sample:ApiKeys:{index}:Scopes is empty: give a comma-separated list of {string.Join(", ", SampleScopes.All)}.");
            foreach (string unknown in key.ScopeList.Except(SampleScopes.All, StringComparer.Ordinal))
                failures.Add($"Sample:ApiKeys:{index}:Scopes has '{unknown}', which is not one of {string.Join(", ", SampleScopes.All)}.");
        }
        if (options.ApiKeys.Select(key => key.Key).Distinct(StringComparer.Ordinal).Count() != options.ApiKeys.Count)
            failures.Add("Sample:ApiKeys has the same key twice: give each client its own.");
        if (options.ApiKeys.Select((key, index) => key.Id ?? $"key-{index}").Distinct(StringComparer.Ordinal).Count() != options.ApiKeys.Count)
            failures.Add("Sample:ApiKeys has the same Id twice: the audit trail could not tell the clients apart.");
        if (options.GalleryKeyFile is not null && options.GalleryPath is null)
            failures.Add("Sample:GalleryKeyFile is set but Sample:GalleryPath is not: there is no gallery file to encrypt.");
        if (options.GalleryKeyFile is not null && !File.Exists(options.GalleryKeyFile))
            failures.Add($"Sample:GalleryKeyFile names '{options.GalleryKeyFile}', which does not exist.");
        if (options.RateLimit.PermitsPerMinute < 1)
            failures.Add($"Sample:RateLimit:PermitsPerMinute must be at least 1; got {options.RateLimit.PermitsPerMinute}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
