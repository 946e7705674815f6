namespace Chubby;

/// <summary>The three rights an ACL name governs (Chubby §2.4).</summary>
internal enum AclRight : byte
{
    Read = 1,
    Write = 2,
    ChangeAcl = 3,
}
