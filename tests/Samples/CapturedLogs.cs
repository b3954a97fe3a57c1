using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.Tests.Samples;

/// <summary>Every log event of every category and level, with its structured values, for tests to assert on.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLogEvent> events = new();

    /// <summary>The events so far, in order.</summary>
    public IReadOnlyList<CapturedLogEvent> Events => [.. events];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, events);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLogEvent> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            events.Enqueue(new CapturedLogEvent(category, logLevel, eventId, formatter(state, exception), values.ToArray(), exception?.ToString()));
        }
    }
}

/// <summary>One log event: its category, level, id, formatted message, structured values and exception text.</summary>
public sealed record CapturedLogEvent(string Category, LogLevel Level, EventId EventId, string Message,
    IReadOnlyList<KeyValuePair<string, object?>> Values, string? Exception)
{
    /// <summary>Everything the event says as text: message, values and exception.</summary>
    public string Text => string.Join("\n", new[] { Message, Exception ?? "" }.Concat(Values.Select(value => $"{value.Key}={value.Value}")));
}
