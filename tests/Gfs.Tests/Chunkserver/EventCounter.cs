using Microsoft.Extensions.Logging;

namespace Gfs.Tests.Chunkserver;

/// <summary>A logger factory that formats every message (so the templates are exercised) and counts them by event id.</summary>
internal sealed class EventCounter : ILoggerFactory, ILogger
{
    private readonly Dictionary<int, int> _counts = [];

    public int this[int eventId] => _counts.GetValueOrDefault(eventId);

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
    }
}
