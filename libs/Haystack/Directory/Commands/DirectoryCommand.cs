using MessagePack;

namespace Haystack;

/// <summary>A change to the Directory's state; replicated through the Raft log and applied alike on every Directory node.</summary>
[Union(0, typeof(HeartbeatCommand))]
[Union(1, typeof(AssignUploadCommand))]
[Union(2, typeof(ReportFailureCommand))]
[Union(3, typeof(MarkStoreDownCommand))]
internal abstract record DirectoryCommand;
