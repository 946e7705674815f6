using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Cluster.Core;

/// <summary>
/// The cluster handshake that opens every TCP connection, before any frame.
/// </summary>
/// <remarks>
/// <para>Messages (integers little-endian):</para>
/// <list type="number">
/// <item>dialer → acceptor, client hello: magic <c>"CLTR"</c>, u16 version, u8 flags (bit 0: secret in use),
/// u64 dialer id, u64 the acceptor id the dialer expects, 32-byte nonce, u8 cluster id length, cluster id (UTF-8).</item>
/// <item>acceptor → dialer, server hello: magic, u16 version, u8 status (<see cref="HandshakeStatus"/>), u8 flags,
/// u64 acceptor id, 32-byte nonce, 32-byte proof. A status other than accepted is followed by a close.</item>
/// <item>dialer → acceptor: 32-byte proof (zeros without a secret).</item>
/// <item>acceptor → dialer: u8 status; accepted means frames may flow.</item>
/// </list>
/// <para>A proof is HMAC-SHA256(secret, label ‖ dialer nonce ‖ acceptor nonce ‖ dialer id ‖ acceptor id ‖ cluster id),
/// with a different label per direction so one side's proof cannot be reflected back as the other's. Both nonces
/// are fresh per connection, so a recorded proof is useless later, and the secret never crosses the wire.
/// Nonces come from the operating system's cryptographic generator, not the seeded <see cref="RandomSource"/>:
/// a seeded source would repeat its nonces after a restart and let an eavesdropper replay old proofs.</para>
/// </remarks>
internal static class Handshake
{
    public const ushort ProtocolVersion = 1;
    public const int NonceBytes = 32;
    public const int ProofBytes = 32;
    public const int ClientHelloFixedBytes = 4 + 2 + 1 + 8 + 8 + NonceBytes + 1;
    public const int ServerHelloBytes = 4 + 2 + 1 + 1 + 8 + NonceBytes + ProofBytes;
    public const byte SecretFlag = 1;

    public static ReadOnlySpan<byte> Magic => "CLTR"u8;

    private static ReadOnlySpan<byte> DialerLabel => "cluster-core/tcp/v1 dialer"u8;

    private static ReadOnlySpan<byte> AcceptorLabel => "cluster-core/tcp/v1 acceptor"u8;

    /// <summary>Runs the dialing side; returns when the acceptor has accepted.</summary>
    /// <exception cref="HandshakeException">The peer is not what was expected or refused us.</exception>
    public static async ValueTask ClientAsync(Stream stream, HandshakeSettings settings, NodeId expectedPeer, CancellationToken cancellationToken)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var hello = new byte[ClientHelloFixedBytes + settings.ClusterIdUtf8.Length];
        WriteClientHello(hello, ProtocolVersion, settings.Secret is not null, settings.LocalNode, expectedPeer, nonce, settings.ClusterIdUtf8);
        await stream.WriteAsync(hello, cancellationToken);
        await stream.FlushAsync(cancellationToken);

        var reply = new byte[ServerHelloBytes];
        await ReadExactlyAsync(stream, reply, cancellationToken);
        if (!reply.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new HandshakeException("handshake.magic", "The peer answered with a wrong magic number; it does not speak this protocol.");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(reply.AsSpan(4));
        var status = (HandshakeStatus)reply[6];
        if (status != HandshakeStatus.Accepted)
        {
            throw Refused(status, version);
        }

        if (version != ProtocolVersion)
        {
            throw new HandshakeException("handshake.version", $"The peer speaks protocol version {version}; this node speaks {ProtocolVersion}.");
        }

        var peerUsesSecret = (reply[7] & SecretFlag) != 0;
        var peer = new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(reply.AsSpan(8)));
        if (peer != expectedPeer)
        {
            throw new HandshakeException("handshake.node", $"Dialed {expectedPeer} but {peer} answered.");
        }

        if (peerUsesSecret != settings.Secret is not null)
        {
            throw new HandshakeException("handshake.secret", peerUsesSecret ? "The peer requires a cluster secret and this node has none." : "This node requires a cluster secret and the peer has none.");
        }

        var peerNonce = reply.AsSpan(16, NonceBytes).ToArray();
        var proof = new byte[ProofBytes];
        if (settings.Secret is { } secret)
        {
            ComputeProof(secret, AcceptorLabel, nonce, peerNonce, settings.LocalNode, peer, settings.ClusterIdUtf8, proof);
            if (!CryptographicOperations.FixedTimeEquals(proof, reply.AsSpan(16 + NonceBytes, ProofBytes)))
            {
                throw new HandshakeException("handshake.secret", "The peer's proof of the cluster secret is wrong; it does not know the secret.");
            }

            ComputeProof(secret, DialerLabel, nonce, peerNonce, settings.LocalNode, peer, settings.ClusterIdUtf8, proof);
        }

        await stream.WriteAsync(proof, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        var verdict = new byte[1];
        await ReadExactlyAsync(stream, verdict, cancellationToken);
        if ((HandshakeStatus)verdict[0] != HandshakeStatus.Accepted)
        {
            throw Refused((HandshakeStatus)verdict[0], ProtocolVersion);
        }
    }

    /// <summary>Runs the accepting side; returns the dialer's identity once it is accepted.</summary>
    /// <exception cref="HandshakeException">The dialer is not a member of this cluster.</exception>
    public static async ValueTask<NodeId> ServerAsync(Stream stream, HandshakeSettings settings, CancellationToken cancellationToken)
    {
        var head = new byte[ClientHelloFixedBytes];
        await ReadExactlyAsync(stream, head, cancellationToken);
        if (!head.AsSpan(0, 4).SequenceEqual(Magic))
        {
            // Not our protocol: answer nothing, the bytes may be anything.
            throw new HandshakeException("handshake.magic", "The connection did not start with the cluster protocol's magic number.");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(4));
        if (version != ProtocolVersion)
        {
            await RejectAsync(stream, HandshakeStatus.VersionMismatch, cancellationToken);
            throw new HandshakeException("handshake.version", $"The peer speaks protocol version {version}; this node speaks {ProtocolVersion}.");
        }

        var peerUsesSecret = (head[6] & SecretFlag) != 0;
        var peer = new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(7)));
        var expected = new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(15)));
        var peerNonce = head.AsSpan(23, NonceBytes).ToArray();
        var clusterId = new byte[head[ClientHelloFixedBytes - 1]];
        await ReadExactlyAsync(stream, clusterId, cancellationToken);
        if (!clusterId.AsSpan().SequenceEqual(settings.ClusterIdUtf8))
        {
            await RejectAsync(stream, HandshakeStatus.ClusterMismatch, cancellationToken);
            throw new HandshakeException("handshake.cluster", $"The peer belongs to cluster '{Printable(clusterId)}', not '{settings.ClusterId}'.");
        }

        if (expected != settings.LocalNode || peer.IsNone || peer == settings.LocalNode)
        {
            await RejectAsync(stream, HandshakeStatus.WrongNode, cancellationToken);
            throw new HandshakeException("handshake.node", $"The peer claims to be {peer} and expected to reach {expected}; this is {settings.LocalNode}.");
        }

        if (peerUsesSecret != settings.Secret is not null)
        {
            await RejectAsync(stream, HandshakeStatus.SecretMismatch, cancellationToken);
            throw new HandshakeException("handshake.secret", peerUsesSecret ? $"{peer} uses a cluster secret and this node has none." : $"{peer} has no cluster secret and this node requires one.");
        }

        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var hello = new byte[ServerHelloBytes];
        Magic.CopyTo(hello);
        BinaryPrimitives.WriteUInt16LittleEndian(hello.AsSpan(4), ProtocolVersion);
        hello[6] = (byte)HandshakeStatus.Accepted;
        hello[7] = settings.Secret is null ? (byte)0 : SecretFlag;
        BinaryPrimitives.WriteUInt64LittleEndian(hello.AsSpan(8), settings.LocalNode.Value);
        nonce.CopyTo(hello.AsSpan(16));
        if (settings.Secret is { } secret)
        {
            ComputeProof(secret, AcceptorLabel, peerNonce, nonce, peer, settings.LocalNode, settings.ClusterIdUtf8, hello.AsSpan(16 + NonceBytes, ProofBytes));
        }

        await stream.WriteAsync(hello, cancellationToken);
        await stream.FlushAsync(cancellationToken);

        var proof = new byte[ProofBytes];
        await ReadExactlyAsync(stream, proof, cancellationToken);
        if (settings.Secret is { } key)
        {
            var expectedProof = new byte[ProofBytes];
            ComputeProof(key, DialerLabel, peerNonce, nonce, peer, settings.LocalNode, settings.ClusterIdUtf8, expectedProof);
            if (!CryptographicOperations.FixedTimeEquals(proof, expectedProof))
            {
                await stream.WriteAsync(new[] { (byte)HandshakeStatus.ProofFailed }, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                throw new HandshakeException("handshake.secret", $"{peer}'s proof of the cluster secret is wrong; it does not know the secret.");
            }
        }

        await stream.WriteAsync(new[] { (byte)HandshakeStatus.Accepted }, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        return peer;
    }

    /// <summary>Writes a client hello; public to the tests so they can forge broken ones.</summary>
    public static void WriteClientHello(Span<byte> destination, ushort version, bool usesSecret, NodeId local, NodeId expectedPeer, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> clusterIdUtf8)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], version);
        destination[6] = usesSecret ? SecretFlag : (byte)0;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[7..], local.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[15..], expectedPeer.Value);
        nonce[..NonceBytes].CopyTo(destination[23..]);
        destination[ClientHelloFixedBytes - 1] = checked((byte)clusterIdUtf8.Length);
        clusterIdUtf8.CopyTo(destination[ClientHelloFixedBytes..]);
    }

    /// <summary>Computes the dialer's proof; the tests use it to prove knowledge of a (wrong) secret.</summary>
    public static void ComputeDialerProof(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> dialerNonce, ReadOnlySpan<byte> acceptorNonce, NodeId dialer, NodeId acceptor, ReadOnlySpan<byte> clusterIdUtf8, Span<byte> proof) =>
        ComputeProof(secret, DialerLabel, dialerNonce, acceptorNonce, dialer, acceptor, clusterIdUtf8, proof);

    private static void ComputeProof(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> dialerNonce, ReadOnlySpan<byte> acceptorNonce, NodeId dialer, NodeId acceptor, ReadOnlySpan<byte> clusterIdUtf8, Span<byte> proof)
    {
        var data = new byte[label.Length + (2 * NonceBytes) + 16 + clusterIdUtf8.Length];
        var span = data.AsSpan();
        label.CopyTo(span);
        span = span[label.Length..];
        dialerNonce[..NonceBytes].CopyTo(span);
        acceptorNonce[..NonceBytes].CopyTo(span[NonceBytes..]);
        span = span[(2 * NonceBytes)..];
        BinaryPrimitives.WriteUInt64LittleEndian(span, dialer.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], acceptor.Value);
        clusterIdUtf8.CopyTo(span[16..]);
        HMACSHA256.HashData(secret, data, proof);
    }

    private static async ValueTask RejectAsync(Stream stream, HandshakeStatus status, CancellationToken cancellationToken)
    {
        var reply = new byte[ServerHelloBytes];
        Magic.CopyTo(reply);
        BinaryPrimitives.WriteUInt16LittleEndian(reply.AsSpan(4), ProtocolVersion);
        reply[6] = (byte)status;
        try
        {
            await stream.WriteAsync(reply, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
            // The refusal is a courtesy; the connection is closed either way.
        }
    }

    private static async ValueTask ReadExactlyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            throw new HandshakeException("handshake.closed", "The peer closed the connection during the handshake.");
        }
    }

    private static HandshakeException Refused(HandshakeStatus status, ushort version) => status switch
    {
        HandshakeStatus.VersionMismatch => new HandshakeException("handshake.version", $"The peer refused protocol version {ProtocolVersion} (it speaks {version})."),
        HandshakeStatus.ClusterMismatch => new HandshakeException("handshake.cluster", "The peer refused us: it belongs to another cluster."),
        HandshakeStatus.WrongNode => new HandshakeException("handshake.node", "The peer refused us: it is not the node we dialed, or our identity is not acceptable."),
        HandshakeStatus.SecretMismatch => new HandshakeException("handshake.secret", "The peer refused us: one side has a cluster secret and the other none."),
        HandshakeStatus.ProofFailed => new HandshakeException("handshake.secret", "The peer refused our proof of the cluster secret; the secrets differ."),
        _ => new HandshakeException("handshake.status", $"The peer answered with unknown handshake status {(byte)status}."),
    };

    private static string Printable(byte[] utf8)
    {
        var text = Encoding.UTF8.GetString(utf8);
        return text.Length > 64 ? text[..64] + "…" : text;
    }
}
