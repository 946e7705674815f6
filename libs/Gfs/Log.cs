using Microsoft.Extensions.Logging;

namespace Gfs;

/// <summary>Log messages of Gfs; event ids 4000–4999 are reserved for this library (4000s chunk storage, 4100s chunkserver, 4200s master, 4300s client).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Error, Message = "Chunk {Handle:x16}: block {Block} failed its checksum in '{FileName}' ({Reason}); the replica is marked corrupt")]
    public static partial void BlockCorrupt(ILogger logger, ulong handle, long block, string fileName, string reason);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Chunk store opened in {Location}: {Chunks} chunks, {Corrupt} of them corrupt")]
    public static partial void StoreOpened(ILogger logger, string location, int chunks, int corrupt);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Chunk {Handle:x16}: cut {Bytes} bytes of a torn, unacknowledged record off the end of '{FileName}'")]
    public static partial void JournalTailCut(ILogger logger, ulong handle, long bytes, string fileName);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Chunk {Handle:x16}: wrote the last overwrite again from the journal ({Bytes} bytes at offset {Offset})")]
    public static partial void RedoReplayed(ILogger logger, ulong handle, long offset, int bytes);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Chunk {Handle:x16}: cut {Bytes} unacknowledged bytes past the durable length {Length}")]
    public static partial void UnacknowledgedDataCut(ILogger logger, ulong handle, long bytes, long length);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Deleted '{FileName}', left over by a chunk delete or create that did not finish")]
    public static partial void LeftoverDeleted(ILogger logger, string fileName);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Chunk {Handle:x16}: its creation did not finish before a crash, so it was never acknowledged; removed")]
    public static partial void UnfinishedCreateDiscarded(ILogger logger, ulong handle);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Error, Message = "Chunk {Handle:x16}: the journal '{FileName}' is damaged at offset {Offset} ({Reason}); the replica is marked corrupt")]
    public static partial void JournalDamaged(ILogger logger, ulong handle, string fileName, long offset, string reason);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "Chunk {Handle:x16}: rewriting the journal failed; it keeps growing until a later rewrite succeeds")]
    public static partial void JournalRewriteFailed(ILogger logger, Exception exception, ulong handle);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "Chunk {Handle:x16}: an operation failed after touching the files; the chunk is reloaded from them before its next operation")]
    public static partial void ReloadScheduled(ILogger logger, Exception exception, ulong handle);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Chunk {Handle:x16}: block {Block} failed its checksum once and passed when read again; a transient read error")]
    public static partial void TransientMismatch(ILogger logger, ulong handle, long block);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Error, Message = "Chunk {Handle:x16}: the data file '{FileName}' is missing or shorter than the acknowledged length {Length}; the replica is marked corrupt")]
    public static partial void DataMissing(ILogger logger, ulong handle, string fileName, long length);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Chunk {Handle:x16}: recording the corrupt mark in the journal failed; it holds in memory only")]
    public static partial void CorruptMarkNotSaved(ILogger logger, Exception exception, ulong handle);
}
