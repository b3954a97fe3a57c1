namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// A state dict does not fit a module: it lacks some of the module's parameters or buffers, has
/// entries the module does not, or has entries of another shape. All problems are reported together.
/// </summary>
public sealed class StateDictMismatchException : Exception
{
    /// <summary>Creates the exception from the lists of problems.</summary>
    public StateDictMismatchException(string moduleName, IReadOnlyList<string> missingKeys, IReadOnlyList<string> unexpectedKeys, IReadOnlyList<string> shapeMismatches)
        : base(Describe(moduleName, missingKeys, unexpectedKeys, shapeMismatches))
    {
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
        ShapeMismatches = shapeMismatches;
    }

    /// <summary>Creates the exception with a message.</summary>
    public StateDictMismatchException(string message) : base(message)
    {
        MissingKeys = UnexpectedKeys = ShapeMismatches = [];
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public StateDictMismatchException(string message, Exception innerException) : base(message, innerException)
    {
        MissingKeys = UnexpectedKeys = ShapeMismatches = [];
    }

    /// <summary>Creates the exception with no details (prefer the overloads that list the problems).</summary>
    public StateDictMismatchException() : this("The state dict does not match the module.") { }

    /// <summary>Parameters and buffers of the module that the state dict lacks.</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Entries of the state dict that the module does not have.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>Entries whose shape differs, as <c>key: expected [..], got [..]</c>.</summary>
    public IReadOnlyList<string> ShapeMismatches { get; }

    private static string Describe(string moduleName, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> shapes)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"missing keys: {string.Join(", ", missing)}");
        if (unexpected.Count > 0) parts.Add($"unexpected keys: {string.Join(", ", unexpected)}");
        if (shapes.Count > 0) parts.Add($"shape mismatches: {string.Join("; ", shapes)}");
        return $"The state dict does not fit {moduleName}: {string.Join(". ", parts)}.";
    }
}
