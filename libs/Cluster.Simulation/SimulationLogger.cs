using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Cluster.Simulation;

/// <summary>A logger that prefixes the virtual time and a label to each message of an inner logger.</summary>
internal sealed class SimulationLogger(Simulator simulator, ILogger inner, string label) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var prefix = string.Create(CultureInfo.InvariantCulture, $"[+{simulator.Now.TotalSeconds:F6}s {label}] ");
        inner.Log(logLevel, eventId, state, exception, (s, e) => prefix + formatter(s, e));
    }
}
