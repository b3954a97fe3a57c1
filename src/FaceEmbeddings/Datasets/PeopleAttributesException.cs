namespace FaceEmbeddings.Datasets;

/// <summary>A people file (<see cref="PeopleAttributes"/>) that cannot be read as one, or that lacks a person asked for.</summary>
public sealed class PeopleAttributesException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The file (or other source) of the table.</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    public PeopleAttributesException(string source, string problem)
        : base($"{source}: {problem}")
    {
        Table = source;
    }

    /// <summary>The file (or other source) of the table.</summary>
    public string Table { get; }
}
