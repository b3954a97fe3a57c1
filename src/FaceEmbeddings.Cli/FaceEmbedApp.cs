using System.CommandLine;
using FaceEmbeddings.Cli.Commands;

namespace FaceEmbeddings.Cli;

/// <summary>
/// The <c>faceembed</c> command line: parses, runs the chosen command, and turns every outcome into one exit code
/// (see <see cref="ExitCodes"/>) and, on failure, one line on standard error.
/// </summary>
internal static class FaceEmbedApp
{
    /// <summary>How long a cancelled command may take to stop (finish its batch, delete temporary files).</summary>
    private static readonly TimeSpan CancellationGracePeriod = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        RootCommand root = CreateRootCommand();
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            Terminal.Error(string.Join(" ", parsed.Errors.Select(error => error.Message)) + $" {UsageHint(parsed)}");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = CancellationGracePeriod,
        };
        try
        {
            return await parsed.InvokeAsync(invocation).ConfigureAwait(false);
        }
        catch (Exception exception) when (!IsFatal(exception))
        {
            // Commands report their own failures; this catches what escapes the parser's own actions (help, version).
            return CommandAction.Report(exception, parsed, CancellationToken.None);
        }
    }

    public static RootCommand CreateRootCommand() => new("faceembed: detect (MTCNN), align and embed faces (FaceNet's InceptionResnetV1 or face-api's dlib ResNet); verify, identify and enrol them in galleries (a file or PostgreSQL); evaluate accuracy, cluster photos by person, estimate age, gender and expression, and audit a model for demographic bias.")
    {
        DetectCommand.Create(),
        CropCommand.Create(),
        EmbedCommand.Create(),
        AnalyzeCommand.Create(),
        AuditCommand.Create(),
        ConvertCommand.Create(),
        ModelsCommand.Create(),
        GalleryCommand.Create(),
        IdentifyCommand.Create(),
        VerifyCommand.Create(),
        EvaluateCommand.Create(),
        ClusterCommand.Create(),
    };

    /// <summary>Where to read about the command that failed to parse.</summary>
    public static string UsageHint(ParseResult parsed)
    {
        var names = new List<string>();
        for (var command = parsed.CommandResult; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (command.Command is not RootCommand)
                names.Insert(0, command.Command.Name);
        }
        return $"(see 'faceembed {string.Join(' ', names.Append("--help"))}')";
    }

    private static bool IsFatal(Exception exception) => exception is OutOfMemoryException or StackOverflowException or AccessViolationException;
}
