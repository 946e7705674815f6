using MessagePack;

namespace Gfs;

/// <summary>The result of a client's namespace call, kept so that a retry after a lost answer or a master change is answered, not re-applied.</summary>
[MessagePackObject]
internal sealed class RetryRecord
{
    [Key(0)]
    public long AppliedTicks { get; set; }

    [Key(1)]
    public MasterResult Result { get; set; } = new();
}
