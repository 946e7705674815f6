using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Tests.Infrastructure;

/// <summary>An <see cref="ILoggerFactory"/> that keeps every log line so tests can assert on reasons.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Whether a line with <paramref name="eventId"/> whose message contains <paramref name="text"/> was logged.</summary>
    public bool Has(int eventId, string text = "") =>
        _entries.Any(e => e.EventId.Id == eventId && e.Message.Contains(text, StringComparison.Ordinal));

    /// <summary>Waits until such a line is logged; fails the test after <paramref name="guard"/>.</summary>
    public Task WaitForAsync(int eventId, string text = "", TimeSpan? guard = null) =>
        Eventually.TrueAsync(() => Has(eventId, text), $"log event {eventId} containing '{text}'; got:\n{Dump()}", guard);

    public string Dump() => string.Join('\n', _entries.Select(e => $"{e.EventId.Id} {e.Level} {e.Message}"));

    private sealed class CapturingLogger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
