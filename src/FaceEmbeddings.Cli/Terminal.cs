using FaceEmbeddings.Audit;
using Spectre.Console;

namespace FaceEmbeddings.Cli;

/// <summary>
/// Where <c>faceembed</c> writes: results to standard output, messages and progress bars to standard error.
/// Progress bars appear only on an interactive terminal, never when standard error is redirected or under CI.
/// </summary>
internal static class Terminal
{
    /// <summary>Width tables are laid out for when standard output is not a terminal (a file or a pipe has no width).</summary>
    private const int RedirectedWidth = 160;

    private static readonly Lazy<IAnsiConsole> Output = new(() => CreateConsole(Console.Out, Console.IsOutputRedirected));
    private static readonly Lazy<IAnsiConsole> Messages = new(() => CreateConsole(Console.Error, Console.IsErrorRedirected));

    /// <summary>Standard output as a Spectre console, for tables.</summary>
    public static IAnsiConsole Out => Output.Value;

    /// <summary>Writes an audit's table to standard output, figures right-aligned, then its notes line by line.</summary>
    public static void Write(AuditTable table)
    {
        var grid = new Table().Title(Markup.Escape(table.Title));
        grid.AddColumns(table.Columns.Select(Markup.Escape).ToArray());
        foreach (TableColumn column in grid.Columns.Skip(1))
            column.RightAligned();
        foreach (IReadOnlyList<string> row in table.Rows)
            grid.AddRow(row.Select(Markup.Escape).ToArray());
        Out.Write(grid);
        foreach (string note in table.Notes)
            Result(note);
    }

    /// <summary>Writes a line of results (a path written, a detection) to standard output, unwrapped.</summary>
    public static void Result(string line) => Console.Out.WriteLine(line);

    /// <summary>Whether to draw live progress bars (on standard error).</summary>
    public static bool ShowsProgress =>
        !Console.IsErrorRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
        && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    /// <summary>Writes <c>faceembed: message</c> on one line of standard error.</summary>
    public static void Error(string message) => Console.Error.WriteLine($"faceembed: {OneLine(message)}");

    /// <summary>Writes <c>faceembed: warning: message</c> on one line of standard error.</summary>
    public static void Warning(string message) => Console.Error.WriteLine($"faceembed: warning: {OneLine(message)}");

    /// <summary>Writes a line of information to standard error, so that standard output keeps only results.</summary>
    public static void Info(string message) => Console.Error.WriteLine(message);

    /// <summary>
    /// Runs <paramref name="work"/> under a progress bar titled <paramref name="description"/>. The work reports
    /// (done, total) through the callback it is given; without a terminal the callback does nothing.
    /// </summary>
    public static async Task<T> WithProgressAsync<T>(string description, Func<Action<double, double>, Task<T>> work)
    {
        if (!ShowsProgress)
            return await work(static (_, _) => { }).ConfigureAwait(false);

        return await Messages.Value.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new ElapsedTimeColumn(),
                new RemainingTimeColumn(),
                new SpinnerColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(description), autoStart: true, maxValue: 1);
                task.IsIndeterminate = true;
                void Update(double done, double total)
                {
                    if (total > 0)
                    {
                        task.IsIndeterminate = false;
                        task.MaxValue = total;
                    }
                    task.Value = done;
                }
                return await work(Update).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    /// <summary>Collapses a multi-line message onto one line.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static IAnsiConsole CreateConsole(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
            console.Profile.Width = RedirectedWidth;
        return console;
    }
}
