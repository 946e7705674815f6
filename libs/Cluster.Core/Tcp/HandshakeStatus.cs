namespace Cluster.Core;

/// <summary>The answer of the accepting side of a handshake, sent so the dialing side can log why it was refused.</summary>
internal enum HandshakeStatus : byte
{
    Accepted = 0,
    VersionMismatch = 1,
    ClusterMismatch = 2,
    WrongNode = 3,
    SecretMismatch = 4,
    ProofFailed = 5,
}
