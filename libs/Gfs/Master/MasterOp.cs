namespace Gfs;

/// <summary>The operations of the master's replicated log and of its read-only queries.</summary>
internal enum MasterOp : byte
{
    None = 0,
    CreateFile = 1,
    CreateDirectory = 2,
    Delete = 3,
    Rename = 4,
    Snapshot = 5,
    AddChunk = 6,
    BumpVersion = 7,
    CopyOnWrite = 8,
    ReclaimTrash = 9,
    BeginEpoch = 10,
    ConfirmLease = 11,
    Undelete = 12,
    Lookup = 20,
    List = 21,
    Trash = 23,
    Chunks = 24,
    Epoch = 25,
}
