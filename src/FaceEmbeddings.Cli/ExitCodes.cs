namespace FaceEmbeddings.Cli;

/// <summary>The process exit codes of <c>faceembed</c>.</summary>
internal static class ExitCodes
{
    /// <summary>The command did its work.</summary>
    public const int Success = 0;

    /// <summary>The command was valid but failed: a missing input, a file that is not what it should be, a model
    /// that cannot be fetched, ...</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: an unknown command or option, a missing argument, a value out of range.</summary>
    public const int Usage = 2;

    /// <summary>The user cancelled (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
