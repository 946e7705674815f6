using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Cluster.Core;

/// <summary>
/// Settings for running a <see cref="TcpTransport"/> over TLS (<see cref="SslStream"/>). Both ends of
/// every connection must use TLS when one does: TLS runs first, then the cluster handshake inside it.
/// </summary>
/// <remarks>
/// TLS protects the bytes on the wire; the cluster handshake (and <see cref="TcpTransportOptions.ClusterSecret"/>)
/// still decides which nodes belong to the cluster. A peer that fails TLS is refused and the reason logged.
/// </remarks>
public sealed class TlsOptions
{
    /// <summary>The certificate this node presents when it accepts connections; must include its private key.</summary>
    public required X509Certificate2 ServerCertificate { get; init; }

    /// <summary>
    /// The certificate this node presents when it dials peers, for mutual TLS; null sends none.
    /// Pair it with <see cref="RequireClientCertificate"/> on the accepting side.
    /// </summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Whether accepted connections must present a client certificate. False by default.</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>
    /// The name the dialing side expects in the peer's certificate; null uses the peer's
    /// <see cref="NodeAddress.Host"/>.
    /// </summary>
    public string? TargetHost { get; init; }

    /// <summary>
    /// Decides whether a remote certificate is acceptable, on both the dialing and the accepting side.
    /// Null uses the platform's default chain validation (which refuses self-signed certificates).
    /// </summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; init; }

    /// <summary>The TLS versions allowed; <see cref="SslProtocols.None"/> (the default) lets the operating system choose.</summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;

    internal void Validate()
    {
        if (ServerCertificate is null)
        {
            throw new ArgumentException("TlsOptions.ServerCertificate is required.", nameof(ServerCertificate));
        }

        if (!ServerCertificate.HasPrivateKey)
        {
            throw new ArgumentException("TlsOptions.ServerCertificate must include its private key.", nameof(ServerCertificate));
        }
    }
}
