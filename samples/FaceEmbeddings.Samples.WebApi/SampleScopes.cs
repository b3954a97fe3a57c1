namespace FaceEmbeddings.Samples.WebApi;

/// <summary>What an API key may do: each is a claim of the key's identity and an authorization policy of the same name.</summary>
public static class SampleScopes
{
    /// <summary>The claim type the scopes are granted as.</summary>
    public const string ClaimType = "scope";

    /// <summary>Add faces to a person (<c>POST /people/{name}/faces</c>).</summary>
    public const string Enrol = "enrol";

    /// <summary>Ask who a photo shows (<c>POST /identify</c>).</summary>
    public const string Identify = "identify";

    /// <summary>Compare two photos (<c>POST /verify</c>).</summary>
    public const string Verify = "verify";

    /// <summary>Erase a person (<c>DELETE /people/{name}</c>).</summary>
    public const string Erase = "erase";

    /// <summary>Every scope.</summary>
    public static IReadOnlyList<string> All { get; } = [Enrol, Identify, Verify, Erase];
}
