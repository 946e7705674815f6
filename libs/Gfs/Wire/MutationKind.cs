namespace Gfs;

/// <summary>The mutations a primary orders.</summary>
public enum MutationKind : byte
{
    /// <summary>Not a mutation.</summary>
    None = 0,

    /// <summary>Write pushed data at a client-chosen offset.</summary>
    Write = 1,

    /// <summary>Append pushed data as a record at an offset the primary chooses.</summary>
    Append = 2,

    /// <summary>Pad the chunk with zeros to a length (a record append that did not fit).</summary>
    Pad = 3,
}
