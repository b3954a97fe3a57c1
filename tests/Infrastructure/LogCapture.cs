using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>One log event as the library wrote it.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message);

/// <summary>An <see cref="ILoggerProvider"/> that keeps every event, for tests that check what the library logs.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Every event so far, in order.</summary>
    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    /// <summary>A logger of category <paramref name="categoryName"/> that writes here.</summary>
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception)));
    }
}
