using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Simulation;

/// <summary>
/// Wraps a logger factory so every message of a simulated node starts with the virtual time and the
/// node, e.g. <c>[+12.345678s n3] became leader</c>; the wall clock of the real logger is meaningless there.
/// </summary>
public sealed class SimulationLoggerFactory : ILoggerFactory
{
    private readonly Simulator _simulator;
    private readonly ILoggerFactory _inner;
    private readonly string _label;

    /// <summary>Creates the factory for the component named <paramref name="label"/> (usually a node).</summary>
    public SimulationLoggerFactory(Simulator simulator, ILoggerFactory inner, string label)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(label);
        _simulator = simulator;
        _inner = inner;
        _label = label;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName)
    {
        var logger = _inner.CreateLogger(categoryName);
        return ReferenceEquals(_inner, NullLoggerFactory.Instance) ? logger : new SimulationLogger(_simulator, logger, _label);
    }

    /// <summary>Providers belong to the inner factory; add them there.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("Add logger providers to the factory given in SimulatorOptions.LoggerFactory.");

    /// <summary>Does nothing: the inner factory belongs to the test.</summary>
    public void Dispose()
    {
    }
}
