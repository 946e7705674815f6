namespace Chubby;

/// <summary>The kinds of <see cref="DatabaseCommand"/> a master writes to the log.</summary>
internal enum CommandKind : byte
{
    /// <summary>A new master's first entry in its term; its result is the session table it rebuilds soft state from.</summary>
    MasterElected = 1,
    CreateSession = 2,
    CloseSession = 3,
    ExpireSessions = 4,
    RenewLeases = 5,
    Create = 6,
    SetContents = 7,
    Delete = 8,
    Acquire = 9,
    Release = 10,

    /// <summary>Replaces a node's ACL names (needs the change-ACL right) and bumps its ACL generation.</summary>
    SetAcl = 11,
}
