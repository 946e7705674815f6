using Microsoft.Extensions.Logging;

namespace Gfs.Tests.Chunkserver;

/// <summary>A logger factory that formats every message (so the templates are exercised), counts them by event id and keeps their order.</summary>
internal sealed class EventCounter : ILoggerFactory, ILogger
{
    private readonly Dictionary<int, int> _counts = [];
    private readonly List<int> _sequence = [];

    public int this[int eventId] => _counts.GetValueOrDefault(eventId);

    /// <summary>Every event id in the order logged.</summary>
    public IReadOnlyList<int> Sequence => _sequence;

    public string? LastMessage { get; private set; }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        LastMessage = formatter(state, exception);
        _counts[eventId.Id] = this[eventId.Id] + 1;
        _sequence.Add(eventId.Id);
    }
}
