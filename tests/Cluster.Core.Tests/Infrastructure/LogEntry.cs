using Microsoft.Extensions.Logging;

namespace Cluster.Core.Tests.Infrastructure;

/// <summary>One log line captured by <see cref="CapturingLoggerFactory"/>.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);
