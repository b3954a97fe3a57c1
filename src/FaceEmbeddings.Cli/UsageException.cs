namespace FaceEmbeddings.Cli;

/// <summary>A command line that parses but asks for something impossible; reported with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException : Exception
{
    /// <summary>A usage error in the command's own words.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>A usage error for what the library refused of <paramref name="option"/> (null: of the command line as a whole),
    /// in the library's words without the "(Parameter '…')" an <see cref="ArgumentException"/> adds for programmers.</summary>
    public UsageException(string? option, Exception cause)
        : base(option is null ? CommandAction.MessageOf(cause) : $"{option} {CommandAction.MessageOf(cause)}", cause)
    {
    }
}
