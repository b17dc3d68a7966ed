using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AskProAI.Web.Tests.Infrastructure;

/// <summary>One log entry the service wrote.</summary>
public sealed record LogRecord(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>A logger provider that keeps every entry the service writes, for tests about what is logged and how.</summary>
public sealed class LogRecords : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public IReadOnlyList<LogRecord> All => [.. _records];

    public ILogger CreateLogger(string categoryName) => new Collector(categoryName, _records);

    public void Dispose()
    {
    }

    private sealed class Collector(string category, ConcurrentQueue<LogRecord> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            records.Enqueue(new LogRecord(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
