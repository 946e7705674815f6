using MessagePack;

namespace Haystack;

/// <summary>
/// A change to the Directory's state; replicated through the Raft log and applied alike on every Directory node. Exactly one
/// member is set. (An envelope rather than a MessagePack union, whose dynamic formatter cannot reach internal types.)
/// </summary>
[MessagePackObject]
internal sealed record DirectoryCommand
{
    [Key(0)]
    public HeartbeatCommand? Heartbeat { get; init; }

    [Key(1)]
    public AssignUploadCommand? AssignUpload { get; init; }

    [Key(2)]
    public ReportFailureCommand? ReportFailure { get; init; }

    [Key(3)]
    public MarkStoreDownCommand? MarkStoreDown { get; init; }

    [Key(4)]
    public CompleteRepairCommand? CompleteRepair { get; init; }

    [Key(5)]
    public RecordPendingDeleteCommand? RecordPendingDelete { get; init; }

    public static implicit operator DirectoryCommand(HeartbeatCommand command) => new() { Heartbeat = command };

    public static implicit operator DirectoryCommand(AssignUploadCommand command) => new() { AssignUpload = command };

    public static implicit operator DirectoryCommand(ReportFailureCommand command) => new() { ReportFailure = command };

    public static implicit operator DirectoryCommand(MarkStoreDownCommand command) => new() { MarkStoreDown = command };

    public static implicit operator DirectoryCommand(CompleteRepairCommand command) => new() { CompleteRepair = command };

    public static implicit operator DirectoryCommand(RecordPendingDeleteCommand command) => new() { RecordPendingDelete = command };
}
