using System.Diagnostics;
using System.Reflection;

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

    /// <summary>Runs <c>faceembed</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static async Task<ToolRun> RunAsync(IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
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

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("faceembed did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"faceembed {string.Join(' ', arguments)} did not finish within {timeout}.");
        }
        return new ToolRun(process.ExitCode, await output, await error, clock.Elapsed);
    }

    /// <inheritdoc cref="RunAsync(IEnumerable{string}, string?, TimeSpan?)"/>
    public static Task<ToolRun> RunAsync(params string[] arguments) => RunAsync(arguments, null, null);

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
