namespace Chubby;

/// <summary>How a lock is held (Chubby §2.4): one writer, or any number of readers.</summary>
public enum LockMode : byte
{
    /// <summary>Held by one session; excludes every other holder (writer mode).</summary>
    Exclusive = 1,

    /// <summary>Held by any number of sessions at once while no session holds it exclusively (reader mode).</summary>
    Shared = 2,
}
