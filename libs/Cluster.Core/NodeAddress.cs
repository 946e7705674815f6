using System.Globalization;
using System.Net;

namespace Cluster.Core;

/// <summary>Where a node listens: its identity together with a host name or IP address and a TCP port.</summary>
public sealed record NodeAddress
{
    /// <summary>Creates an address, checking the port range and that the host is not empty.</summary>
    /// <exception cref="ArgumentException">The identity is <see cref="NodeId.None"/> or the host is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The port is outside 0–65535.</exception>
    public NodeAddress(NodeId id, string host, int port)
    {
        if (id.IsNone)
        {
            throw new ArgumentException("A node address needs a real node identity, not NodeId.None.", nameof(id));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        Id = id;
        Host = host;
        Port = port;
    }

    /// <summary>The node this address belongs to.</summary>
    public NodeId Id { get; }

    /// <summary>A host name or IP address.</summary>
    public string Host { get; }

    /// <summary>The TCP port; zero asks the operating system for a free one when listening.</summary>
    public int Port { get; }

    /// <summary>Formats as <c>n1@127.0.0.1:7001</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id}@{Host}:{Port}");

    /// <summary>Parses the form written by <see cref="ToString"/>: <c>n1@host:port</c>.</summary>
    /// <exception cref="FormatException">The text is not of that form.</exception>
    public static NodeAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var colon = text.LastIndexOf(':');
        if (at <= 0 || colon <= at + 1 || colon == text.Length - 1)
        {
            throw new FormatException($"'{text}' is not a node address; expected 'n1@host:port'.");
        }

        var host = text[(at + 1)..colon].Trim('[', ']');
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            throw new FormatException($"'{text}' has no valid port after the last ':'.");
        }

        return new NodeAddress(NodeId.Parse(text[..at]), host, port);
    }
}
