namespace SvgMinify;

/// <summary>A one-line progress bar on stderr, redrawn at most once per percent.</summary>
internal sealed class ProgressBar(TextWriter writer, int total, bool enabled)
{
    private const int Width = 30;
    private readonly Lock gate = new();
    private int lastPercent = -1;

    public void Report(int done)
    {
        if (!enabled || total == 0)
        {
            return;
        }

        var percent = (int)(100L * done / total);
        lock (this.gate)
        {
            if (percent == this.lastPercent)
            {
                return;
            }

            this.lastPercent = percent;
            var filled = Width * percent / 100;
            writer.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total}");
        }
    }

    public void Finish()
    {
        if (enabled && total > 0)
        {
            writer.WriteLine();
        }
    }
}
