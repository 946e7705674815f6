using Microsoft.Extensions.Logging;

namespace Cluster.Simulation.Tests.Infrastructure;

/// <summary>A logger factory that collects formatted messages.</summary>
public sealed class ListLoggerFactory(List<string> lines) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class ListLogger(List<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Add(formatter(state, exception));
    }
}
