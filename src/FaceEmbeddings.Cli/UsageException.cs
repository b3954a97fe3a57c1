namespace FaceEmbeddings.Cli;

/// <summary>A command line that parses but asks for something impossible; reported with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
