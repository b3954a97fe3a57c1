using System.Diagnostics;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.PostgreSql;

/// <summary>
/// The PostgreSQL server of the tests: the connection string in <c>FACEEMBEDDINGS_POSTGRES</c> (scripts/with-postgres.sh
/// starts a throw-away server and sets it), and <c>FACEEMBEDDINGS_POSTGRES_CONTROL</c> to stop and start it.
/// </summary>
public static class PostgresServer
{
    private const string ConnectionVariable = "FACEEMBEDDINGS_POSTGRES";
    private const string ControlVariable = "FACEEMBEDDINGS_POSTGRES_CONTROL";

    /// <summary>Why there is no server, or null when there is one.</summary>
    public static string? MissingReason =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ConnectionVariable)) ? null
        : Environment.GetEnvironmentVariable("FACEEMBEDDINGS_POSTGRES_UNAVAILABLE") is { Length: > 0 } reason ? reason
        : $"{ConnectionVariable} is not set: run the tests with scripts/test.sh (or scripts/with-postgres.sh), or set it to a server's connection string.";

    /// <summary>The superuser connection string of the test server.</summary>
    public static string ConnectionString => Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } connection
        ? connection
        : throw new InvalidOperationException($"No PostgreSQL server for the tests: {MissingReason}");

    /// <summary>Why the server cannot be stopped and started, or null when it can.</summary>
    public static string? ControlMissingReason => MissingReason ??
        (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ControlVariable))
            ? $"{ControlVariable} is not set: only a server started by scripts/with-postgres.sh can be stopped and started by the tests."
            : null);

    /// <summary>Stops the server (fast shutdown: open connections are cut) and waits until it is down.</summary>
    public static Task StopAsync() => ControlAsync("stop");

    /// <summary>Starts the server again on the same port and waits until it accepts connections.</summary>
    public static Task StartAsync() => ControlAsync("start");

    private static async Task ControlAsync(string verb)
    {
        string control = Environment.GetEnvironmentVariable(ControlVariable) is { Length: > 0 } path
            ? path
            : throw new InvalidOperationException(ControlMissingReason);
        using var process = Process.Start(new ProcessStartInfo(control, verb) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{control} {verb}' failed ({process.ExitCode}): {await output}{await errors}");
    }
}

/// <summary>The tests of this class need the PostgreSQL server (see <see cref="PostgresServer"/>).</summary>
public sealed class RequiresPostgresAttribute : NeedsServiceAttribute
{
    /// <inheritdoc />
    public override string? MissingReason => PostgresServer.MissingReason;
}

/// <summary>The tests of this class stop and start the PostgreSQL server, so it must be one the test script started.</summary>
public sealed class RequiresPostgresControlAttribute : NeedsServiceAttribute
{
    /// <inheritdoc />
    public override string? MissingReason => PostgresServer.ControlMissingReason;
}
