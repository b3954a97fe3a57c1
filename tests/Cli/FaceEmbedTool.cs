using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace FaceEmbeddings.Tests.Cli;

/// <summary>What one run of <c>faceembed</c> did.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="Output">Everything written to standard output.</param>
/// <param name="Error">Everything written to standard error.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
public sealed record ToolRun(int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    /// <summary>The non-empty lines of standard error.</summary>
    public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the built <c>faceembed</c> as a user does, <c>dotnet faceembed.dll …</c> in a separate process with its
/// output redirected (so without progress bars), and waits for it.
/// </summary>
public static class FaceEmbedTool
{
    private static readonly Lazy<string> ToolPath = new(() =>
    {
        string? path = typeof(FaceEmbedTool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == "FaceEmbedCli")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
            throw new FileNotFoundException($"The built faceembed was not found (recorded path: '{path}'); build the tests project, which builds it.");
        return path;
    });

    /// <summary>The built <c>faceembed.dll</c>, beside the assemblies it runs with.</summary>
    public static string DllPath => ToolPath.Value;

    /// <summary>Runs <c>faceembed</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, with
    /// <paramref name="environment"/> added to the test process's environment.</summary>
    public static async Task<ToolRun> RunAsync(IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        using RunningTool tool = Start(arguments, workingDirectory, environment);
        return await tool.WaitAsync(TimeSpan.FromMinutes(10));
    }

    /// <summary>Starts <c>faceembed</c> with <paramref name="arguments"/> and returns at once.</summary>
    public static RunningTool Start(IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        start.ArgumentList.Add(ToolPath.Value);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        // Downloads are never wanted in tests; the store must be given explicitly.
        start.Environment["FACEEMBEDDINGS_OFFLINE"] = "1";
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        return new RunningTool(Process.Start(start) ?? throw new InvalidOperationException("faceembed did not start."));
    }

    /// <inheritdoc cref="RunAsync(IEnumerable{string}, string?, IReadOnlyDictionary{string, string}?)"/>
    public static Task<ToolRun> RunAsync(params string[] arguments) => RunAsync(arguments, null);

    /// <summary>Runs the offline FaceNet form of the main job (docs/audit.md: UTKFace labels grouped by race and gender,
    /// the fixture encoder checkpoint, the shared MTCNN weights) on <paramref name="input"/>, writing the report to
    /// <paramref name="output"/>.</summary>
    public static Task<ToolRun> RunOfflineAuditAsync(string input, string output, params string[] extraArguments) =>
        RunAsync([
            "audit", input, "--labels", "utkface", "--group-by", "race,gender", .. extraArguments,
            "--weights", SharedData.PathOf(FaceNetReference.CheckpointPath),
            "--models", SharedData.PathOf("models"),
            "--out", output]);

    /// <summary>Runs the README's main job (UTKFace labels grouped by race and gender, face-api's real network and the MTCNN
    /// weights, all from the shared models folder, offline) on <paramref name="input"/>, writing the report to <paramref name="output"/>.</summary>
    public static Task<ToolRun> RunMainJobAsync(string input, string output) =>
        RunAsync([
            "audit", input, "--labels", "utkface", "--group-by", "race,gender",
            "--encoder", "face-api-resnet",
            "--models", SharedData.PathOf("models"), "--offline",
            "--out", output]);

    /// <summary>The <c>dotnet</c> host running the tests, so the tool runs on the same runtime.</summary>
    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
            return host;
        string? current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}

/// <summary>A <c>faceembed</c> process in progress, its output gathered as it comes.</summary>
public sealed class RunningTool : IDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly Lock _gate = new();

    internal RunningTool(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => Append(_output, line.Data);
        _process.ErrorDataReceived += (_, line) => Append(_error, line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Standard error so far.</summary>
    public string Error
    {
        get
        {
            lock (_gate) return _error.ToString();
        }
    }

    /// <summary>Waits until standard error holds <paramref name="text"/>; false when the process ends or time runs out first.</summary>
    public async Task<bool> WaitForErrorAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (Error.Contains(text, StringComparison.Ordinal)) return true;
            if (_process.HasExited) return Error.Contains(text, StringComparison.Ordinal);
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the process to end (killing it after <paramref name="timeout"/>) and returns what it did.</summary>
    public async Task<ToolRun> WaitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"faceembed did not finish within {timeout}.\n{Error}");
        }
        _process.WaitForExit(); // lets the output events drain
        lock (_gate)
            return new ToolRun(_process.ExitCode, _output.ToString(), _error.ToString(), _clock.Elapsed);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Append(StringBuilder text, string? line)
    {
        if (line is null) return;
        lock (_gate) text.Append(line).Append('\n');
    }
}
