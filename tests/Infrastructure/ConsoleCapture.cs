namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>Captures what an action writes to <see cref="Console.Out"/>. Console redirection is process-wide,
/// so tests that use it belong to <see cref="ConsoleOutputTests"/>, which runs alone.</summary>
public static class ConsoleCapture
{
    /// <summary>Runs <paramref name="action"/> and returns what it printed.</summary>
    public static string Run(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        TextWriter original = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            action();
        }
        finally
        {
            Console.SetOut(original);
        }
        return captured.ToString();
    }
}

/// <summary>Tests that redirect the console; never run in parallel with others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleOutputTests
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Console output";
}
