namespace MicroSvg.Dom;

/// <summary>
/// A growable character buffer that can be cleared and written again without allocating, for
/// serializing a document once per multipass iteration when only the last best output becomes a string.
/// </summary>
/// <remarks>Not thread-safe; each thread keeps its own (see <see cref="SvgSerializer"/>).</remarks>
internal sealed class CharBuffer
{
    private char[] chars;

    /// <summary>Initializes a new instance of the <see cref="CharBuffer"/> class.</summary>
    /// <param name="capacity">Characters to allocate up front.</param>
    public CharBuffer(int capacity) => this.chars = new char[Math.Max(capacity, 16)];

    /// <summary>Gets the number of characters written.</summary>
    public int Length { get; private set; }

    /// <summary>Gets the allocated size, to decide whether the buffer is worth keeping.</summary>
    public int Capacity => this.chars.Length;

    /// <summary>Gets the characters written.</summary>
    public ReadOnlySpan<char> Span => this.chars.AsSpan(0, this.Length);

    /// <summary>Forgets the characters, keeping the storage.</summary>
    public void Clear() => this.Length = 0;

    /// <summary>Appends one character.</summary>
    public void Append(char c)
    {
        if (this.Length == this.chars.Length)
        {
            this.Grow(1);
        }

        this.chars[this.Length++] = c;
    }

    /// <summary>Appends a character <paramref name="repeat"/> times.</summary>
    public void Append(char c, int repeat)
    {
        this.Reserve(repeat).Fill(c);
    }

    /// <summary>Appends characters.</summary>
    public void Append(ReadOnlySpan<char> text)
    {
        text.CopyTo(this.Reserve(text.Length));
    }

    /// <summary>Returns the characters written as a string.</summary>
    /// <returns>A new string.</returns>
    public override string ToString() => new(this.Span);

    /// <summary>Claims the next <paramref name="count"/> characters for the caller to fill.</summary>
    private Span<char> Reserve(int count)
    {
        if (this.chars.Length - this.Length < count)
        {
            this.Grow(count);
        }

        var span = this.chars.AsSpan(this.Length, count);
        this.Length += count;
        return span;
    }

    private void Grow(int needed)
    {
        var size = (int)Math.Min(Array.MaxLength, Math.Max((long)this.chars.Length * 2, (long)this.Length + needed));
        if (size - this.Length < needed)
        {
            throw new OutOfMemoryException("The serialized document does not fit in one string.");
        }

        Array.Resize(ref this.chars, size);
    }
}
