using System.CommandLine;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.PostgreSql;
using FaceEmbeddings.Recognition;

namespace FaceEmbeddings.Cli;

/// <summary>Runs a command's work and maps its outcome to an exit code and a one-line message.</summary>
internal static class CommandAction
{
    /// <summary>Set to 1 to see the full exception (with stack trace) of an unexpected failure.</summary>
    public const string DebugEnvironmentVariable = "FACEEMBED_DEBUG";

    /// <summary>Makes <paramref name="work"/> the action of <paramref name="command"/>.</summary>
    public static void Set(Command command, Func<ParseResult, CancellationToken, Task> work)
    {
        command.SetAction(async (parsed, cancellationToken) =>
        {
            try
            {
                await work(parsed, cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (Exception exception) when (exception is not (OutOfMemoryException or StackOverflowException or AccessViolationException))
            {
                return Report(exception, parsed, cancellationToken);
            }
        });
    }

    /// <summary>Writes one line about <paramref name="exception"/> to standard error and returns the exit code.</summary>
    public static int Report(Exception exception, ParseResult parsed, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            // Once Ctrl+C has been pressed, whatever surfaces (an OperationCanceledException, or a native error from a
            // libtorch call interrupted on the way out) is the cancellation the user asked for.
            case Exception when cancellationToken.IsCancellationRequested:
                Terminal.Error("Cancelled.");
                return ExitCodes.Cancelled;
            case UsageException usage:
                Terminal.Error($"{usage.Message} {FaceEmbedApp.UsageHint(parsed)}");
                return ExitCodes.Usage;
            case FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException or InvalidDataException
                or CheckpointFormatException or StateDictMismatchException or ModelStoreException
                or GalleryFormatException or GalleryDescriptorMismatchException or PostgresGalleryException
                or ArgumentException or FormatException or InvalidOperationException or NotSupportedException:
                Terminal.Error(MessageOf(exception));
                break;
            default:
                Terminal.Error($"Unexpected {exception.GetType().Name}: {exception.Message} (set {DebugEnvironmentVariable}=1 for details)");
                break;
        }
        if (IsSet(Environment.GetEnvironmentVariable(DebugEnvironmentVariable)))
            Console.Error.WriteLine(exception);
        return ExitCodes.Failure;
    }

    /// <summary>The message without the "(Parameter 'name')" that <see cref="ArgumentException"/> appends for programmers.</summary>
    internal static string MessageOf(Exception exception)
    {
        string message = exception.Message;
        if (exception is ArgumentException { ParamName: { } parameter })
        {
            string suffix = $" (Parameter '{parameter}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
                message = message[..^suffix.Length];
        }
        return message;
    }

    private static bool IsSet(string? value) => value is "1" or "true" or "yes";
}
