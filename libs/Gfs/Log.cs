using Microsoft.Extensions.Logging;

namespace Gfs;

/// <summary>Log messages of Gfs; event ids 4000–4999 are reserved for this library (4000s chunk storage, 4100s chunkserver, 4200s master, 4300s client).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Error, Message = "Chunk {Handle}: block {Block} failed its checksum in '{FileName}'")]
    public static partial void BlockCorrupt(ILogger logger, ulong handle, int block, string fileName);
}
