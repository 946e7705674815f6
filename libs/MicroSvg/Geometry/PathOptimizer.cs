using System.Text;

namespace MicroSvg.Geometry;

/// <summary>
/// Rewrites absolute path commands as the shortest equivalent path data: every coordinate rounded
/// once in absolute terms (so relative forms never accumulate error), each segment written absolute or
/// relative whichever is shorter, repeated commands implicit, S and T only where the control point is
/// exactly the reflection, compact arc flags, and segments removed only where that cannot be seen.
/// </summary>
internal static class PathOptimizer
{
    /// <summary>What the optimizer may assume about how the path is painted.</summary>
    [Flags]
    public enum Allowances
    {
        /// <summary>Only exact rewrites.</summary>
        None = 0,

        /// <summary>The path is filled only (no stroke), so zero-length segments and straight curves are invisible.</summary>
        FillOnly = 1,

        /// <summary>No markers can apply, so vertices without geometry (lone movetos) may go.</summary>
        NoMarkers = 2,
    }

    /// <summary>Scratch lists and writer of the current thread, reused so that a path costs one string.</summary>
    [ThreadStatic]
    private static Scratch? scratch;

    /// <summary>Returns the optimized data, or null when the input cannot be rounded safely.</summary>
    public static string? Optimize(List<PathCommand> commands, int decimals, Allowances allowances)
    {
        var work = scratch ??= new Scratch();
        try
        {
            if (!Round(commands, decimals, work.Rounded))
            {
                return null;
            }

            Simplify(work.Rounded, work.Simplified, allowances);
            return Write(work.Simplified, work.Writer, decimals);
        }
        finally
        {
            work.Release();
        }
    }

    private static bool Round(List<PathCommand> commands, int decimals, List<Segment> result)
    {
        var angleDecimals = Math.Min(decimals + 2, 12);
        long cx = 0, cy = 0, sx = 0, sy = 0;
        double ox = 0, oy = 0, osx = 0, osy = 0;
        var previous = default(Segment);
        foreach (var p in commands)
        {
            var s = default(Segment);
            s.C = p.Command;
            s.RadiusDecimals = decimals;
            if (!SvgNumber.TryScale(p.X, decimals, out s.X) || !SvgNumber.TryScale(p.Y, decimals, out s.Y))
            {
                return false;
            }

            switch (p.Command)
            {
                case 'C':
                    if (!Scale(p.X1, p.Y1, decimals, out s.X1, out s.Y1) || !Scale(p.X2, p.Y2, decimals, out s.X2, out s.Y2))
                    {
                        return false;
                    }

                    break;
                case 'S':
                    s.C = 'C';
                    (s.X1, s.Y1) = previous.C == 'C' ? ((2 * cx) - previous.X2, (2 * cy) - previous.Y2) : (cx, cy);
                    if (!Scale(p.X2, p.Y2, decimals, out s.X2, out s.Y2))
                    {
                        return false;
                    }

                    break;
                case 'Q':
                    if (!Scale(p.X1, p.Y1, decimals, out s.X1, out s.Y1))
                    {
                        return false;
                    }

                    break;
                case 'T':
                    s.C = 'Q';
                    (s.X1, s.Y1) = previous.C == 'Q' ? ((2 * cx) - previous.X1, (2 * cy) - previous.Y1) : (cx, cy);
                    break;
                case 'A':
                    if (p.Rx == 0 || p.Ry == 0)
                    {
                        // SVG: an arc with a zero radius is a straight line.
                        s.C = 'L';
                        break;
                    }

                    if (!SvgNumber.TryScale(p.Angle, angleDecimals, out s.Angle))
                    {
                        return false;
                    }

                    s.LargeArc = p.LargeArc;
                    s.Sweep = p.Sweep;
                    if (!RoundRadii(ref s, p, ox, oy, cx, cy, decimals))
                    {
                        return false;
                    }

                    break;
                case 'Z':
                    (s.X, s.Y) = (sx, sy);
                    break;
                case 'H':
                    s.C = 'L';
                    s.Y = cy;
                    break;
                case 'V':
                    s.C = 'L';
                    s.X = cx;
                    break;
            }

            if (s.C == 'M')
            {
                (sx, sy) = (s.X, s.Y);
                (osx, osy) = (p.X, p.Y);
            }

            (cx, cy) = (s.X, s.Y);
            (ox, oy) = p.Command == 'Z' ? (osx, osy) : (p.X, p.Y);
            result.Add(s);
            previous = s;
        }

        return true;
    }

    /// <summary>
    /// Rounds arc radii with as few decimals as keep the arc's centre and radii (after the renderer's
    /// scale-up of too-small radii) within two rounding steps of the original. Arcs close to a
    /// half ellipse are ill-conditioned: a tiny radius change moves the centre a lot.
    /// </summary>
    private static bool RoundRadii(ref Segment s, PathCommand p, double x0, double y0, long cx, long cy, int decimals)
    {
        var step = 1 / SvgNumber.Pow10(decimals);
        var original = ArcGeometry.Center(x0, y0, p.X, p.Y, p.Rx, p.Ry, p.Angle, p.LargeArc, p.Sweep);
        for (var d = decimals; d <= Math.Min(decimals + 6, SvgMinifierOptions.MaxPrecision); d++)
        {
            if (!Scale(Math.Abs(p.Rx), Math.Abs(p.Ry), d, out s.Rx, out s.Ry) || s.Rx == 0 || s.Ry == 0)
            {
                continue;
            }

            var scale = SvgNumber.Pow10(decimals);
            var rounded = ArcGeometry.Center(cx / scale, cy / scale, s.X / scale, s.Y / scale, s.Rx / SvgNumber.Pow10(d), s.Ry / SvgNumber.Pow10(d), s.Angle / SvgNumber.Pow10(Math.Min(decimals + 2, 12)), s.LargeArc, s.Sweep);
            if (Math.Abs(original.Cx - rounded.Cx) <= 2 * step && Math.Abs(original.Cy - rounded.Cy) <= 2 * step
                && Math.Abs(original.Rx - rounded.Rx) <= 2 * step && Math.Abs(original.Ry - rounded.Ry) <= 2 * step)
            {
                s.RadiusDecimals = d;
                return true;
            }
        }

        return false;
    }

    private static bool Scale(double x, double y, int decimals, out long sx, out long sy)
    {
        sy = 0;
        return SvgNumber.TryScale(x, decimals, out sx) && SvgNumber.TryScale(y, decimals, out sy);
    }

    private static void Simplify(List<Segment> segments, List<Segment> output, Allowances allowances)
    {
        var fillOnly = (allowances & Allowances.FillOnly) != 0;
        var noMarkers = (allowances & Allowances.NoMarkers) != 0;
        long cx = 0, cy = 0, sx = 0, sy = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];

            if (fillOnly && noMarkers)
            {
                if (s.C is 'C' && s.X1 == cx && s.Y1 == cy && s.X2 == s.X && s.Y2 == s.Y)
                {
                    s.C = 'L';
                }
                else if (s.C is 'Q' && ((s.X1 == cx && s.Y1 == cy) || (s.X1 == s.X && s.Y1 == s.Y)))
                {
                    s.C = 'L';
                }

                var moves = s.X != cx || s.Y != cy;
                var curveMoves = s.C switch
                {
                    'C' => s.X1 != cx || s.Y1 != cy || s.X2 != cx || s.Y2 != cy,
                    'Q' => s.X1 != cx || s.Y1 != cy,
                    _ => false,
                };
                if (s.C is 'L' or 'C' or 'Q' or 'A' && !moves && !curveMoves && output.Count > 0)
                {
                    continue;
                }

                if (s.C == 'Z')
                {
                    // A line back to the start right before closepath adds nothing to a fill.
                    DropLinesBackToStart(output, sx, sy);
                }
                else if (s.C == 'M')
                {
                    // A fill closes every subpath anyway, so closepath and lines back to the start are implied.
                    CloseImplicitly(output, sx, sy);
                }
            }
            else if (s.C == 'A' && s.X == cx && s.Y == cy && noMarkers)
            {
                // SVG: an arc whose end points are identical is omitted entirely.
                continue;
            }

            if (noMarkers && s.C == 'M' && output.Count > 0 && output[^1].C == 'M')
            {
                // A moveto followed by another moveto draws nothing.
                output.RemoveAt(output.Count - 1);
            }

            if (s.C == 'M')
            {
                (sx, sy) = (s.X, s.Y);
            }

            output.Add(s);
            (cx, cy) = (s.X, s.Y);
        }

        if (fillOnly && noMarkers)
        {
            CloseImplicitly(output, sx, sy);
        }

        if (noMarkers && output.Count > 1 && output[^1].C == 'M')
        {
            output.RemoveAt(output.Count - 1);
        }
    }

    /// <summary>Removes the closepath and lines back to the start that end a filled subpath.</summary>
    private static void CloseImplicitly(List<Segment> output, long sx, long sy)
    {
        if (output.Count > 1 && output[^1].C == 'Z')
        {
            output.RemoveAt(output.Count - 1);
        }

        DropLinesBackToStart(output, sx, sy);
    }

    private static void DropLinesBackToStart(List<Segment> output, long sx, long sy)
    {
        while (output.Count > 1 && output[^1] is { C: 'L' } last && last.X == sx && last.Y == sy && output[^2].C != 'M')
        {
            output.RemoveAt(output.Count - 1);
        }
    }

    private static string Write(List<Segment> segments, PathWriter writer, int decimals)
    {
        writer.Reset(decimals);
        long cx = 0, cy = 0, sx = 0, sy = 0;
        var previous = default(Segment);
        foreach (var s in segments)
        {
            switch (s.C)
            {
                case 'M':
                    writer.Choose('M', [s.X, s.Y], [s.X - cx, s.Y - cy], s.X, s.Y, isFirst: writer.IsEmpty);
                    (sx, sy) = (s.X, s.Y);
                    break;
                case 'Z':
                    writer.Close();
                    break;
                case 'L':
                    if (s.Y == cy && s.X != cx)
                    {
                        writer.Choose('H', [s.X], [s.X - cx], s.X, s.Y);
                    }
                    else if (s.X == cx)
                    {
                        writer.Choose('V', [s.Y], [s.Y - cy], s.X, s.Y);
                    }
                    else
                    {
                        writer.Choose('L', [s.X, s.Y], [s.X - cx, s.Y - cy], s.X, s.Y);
                    }

                    break;
                case 'C':
                    var reflected = previous.C == 'C' ? ((2 * cx) - previous.X2, (2 * cy) - previous.Y2) : (cx, cy);
                    if ((s.X1, s.Y1) == reflected)
                    {
                        writer.Choose('S', [s.X2, s.Y2, s.X, s.Y], [s.X2 - cx, s.Y2 - cy, s.X - cx, s.Y - cy], s.X, s.Y);
                    }
                    else
                    {
                        writer.Choose('C', [s.X1, s.Y1, s.X2, s.Y2, s.X, s.Y], [s.X1 - cx, s.Y1 - cy, s.X2 - cx, s.Y2 - cy, s.X - cx, s.Y - cy], s.X, s.Y);
                    }

                    break;
                case 'Q':
                    var mirrored = previous.C == 'Q' ? ((2 * cx) - previous.X1, (2 * cy) - previous.Y1) : (cx, cy);
                    if ((s.X1, s.Y1) == mirrored)
                    {
                        writer.Choose('T', [s.X, s.Y], [s.X - cx, s.Y - cy], s.X, s.Y);
                    }
                    else
                    {
                        writer.Choose('Q', [s.X1, s.Y1, s.X, s.Y], [s.X1 - cx, s.Y1 - cy, s.X - cx, s.Y - cy], s.X, s.Y);
                    }

                    break;
                case 'A':
                    writer.ChooseArc(s.Rx, s.Ry, s.RadiusDecimals, s.Angle, s.LargeArc, s.Sweep, s.X, s.Y, s.X - cx, s.Y - cy);
                    break;
            }

            (cx, cy) = s.C == 'Z' ? (sx, sy) : (s.X, s.Y);
            previous = s;
        }

        return writer.ToString();
    }

    private sealed class Scratch
    {
        /// <summary>Lists and text above this many items are dropped after use instead of kept for the next path.</summary>
        private const int MaxKeptItems = 4096;

        public List<Segment> Rounded { get; private set; } = [];

        public List<Segment> Simplified { get; private set; } = [];

        public PathWriter Writer { get; private set; } = new();

        public void Release()
        {
            this.Rounded = Keep(this.Rounded);
            this.Simplified = Keep(this.Simplified);
            if (!this.Writer.Release(MaxKeptItems * 8))
            {
                this.Writer = new PathWriter();
            }
        }

        private static List<Segment> Keep(List<Segment> list)
        {
            if (list.Capacity > MaxKeptItems)
            {
                return [];
            }

            list.Clear();
            return list;
        }
    }

    private struct Segment
    {
        public char C;
        public long X1;
        public long Y1;
        public long X2;
        public long Y2;
        public long X;
        public long Y;
        public long Rx;
        public long Ry;
        public long Angle;
        public int RadiusDecimals;
        public bool LargeArc;
        public bool Sweep;
    }

    /// <summary>Formatted numbers of one candidate segment, kept in one reused buffer.</summary>
    private sealed class NumberRun
    {
        private const int MaxNumbers = 7;
        private readonly char[] chars = new char[MaxNumbers * SvgNumber.MaxScaledChars];
        private readonly int[] starts = new int[MaxNumbers];
        private readonly int[] lengths = new int[MaxNumbers];

        public int Count { get; private set; }

        public ReadOnlySpan<char> this[int index] => this.chars.AsSpan(this.starts[index], this.lengths[index]);

        public void Clear() => this.Count = 0;

        public void Add(long scaled, int decimals)
        {
            var at = this.Count == 0 ? 0 : this.starts[this.Count - 1] + this.lengths[this.Count - 1];
            this.starts[this.Count] = at;
            this.lengths[this.Count] = SvgNumber.WriteScaled(scaled, decimals, this.chars.AsSpan(at));
            this.Count++;
        }

        public void AddAll(ReadOnlySpan<long> values, int decimals)
        {
            this.Clear();
            foreach (var value in values)
            {
                this.Add(value, decimals);
            }
        }

        public void CopyFrom(NumberRun other, int count)
        {
            this.Clear();
            for (var i = 0; i < count; i++)
            {
                var at = this.Count == 0 ? 0 : this.starts[this.Count - 1] + this.lengths[this.Count - 1];
                other[i].CopyTo(this.chars.AsSpan(at));
                this.starts[this.Count] = at;
                this.lengths[this.Count] = other.lengths[i];
                this.Count++;
            }
        }
    }

    /// <summary>Accumulates path text, tracking what is needed to drop separators and command letters.</summary>
    private sealed class PathWriter
    {

        private readonly StringBuilder text = new();
        private readonly NumberRun absoluteRun = new();
        private readonly NumberRun relativeRun = new();
        private char lastCommand;

        // Renderers parse path data into single-precision floats and add relative offsets to a
        // single-precision current point, so long relative runs drift. The writer replays that
        // arithmetic and falls back to an absolute segment before the drift reaches a tenth of a step.
        private float currentX;
        private float currentY;
        private float startX;
        private float startY;

        // What separator rules need to know about the last number written.
        private bool lastIsNumber;
        private bool lastHasFraction;
        private bool lastWasFlag;

        private int decimals;
        private int angleDecimals;
        private double step;

        public bool IsEmpty => this.text.Length == 0;

        /// <summary>Starts a new path written with the given decimals.</summary>
        public void Reset(int decimals)
        {
            this.decimals = decimals;
            this.angleDecimals = Math.Min(decimals + 2, 12);
            this.step = 1 / SvgNumber.Pow10(decimals);
            this.text.Clear();
            this.lastCommand = '\0';
            (this.currentX, this.currentY, this.startX, this.startY) = (0, 0, 0, 0);
            (this.lastIsNumber, this.lastHasFraction, this.lastWasFlag) = (false, false, false);
        }

        /// <summary>Clears the text; returns false when its buffer grew past <paramref name="maxChars"/> and should not be kept.</summary>
        public bool Release(int maxChars)
        {
            this.text.Clear();
            return this.text.Capacity <= maxChars;
        }

        public void Close()
        {
            (this.currentX, this.currentY) = (this.startX, this.startY);
            this.text.Append('z');
            this.lastCommand = 'z';
            this.lastIsNumber = false;
            this.lastWasFlag = false;
        }

        public void Choose(char command, ReadOnlySpan<long> absolute, ReadOnlySpan<long> relative, long endX, long endY, bool isFirst = false)
        {
            this.absoluteRun.AddAll(absolute, this.decimals);
            var useRelative = false;
            if (!isFirst && this.RelativeIsStable(command, relative, endX, endY))
            {
                this.relativeRun.AddAll(relative, this.decimals);
                useRelative = this.Measure(char.ToLowerInvariant(command), this.relativeRun) <= this.Measure(command, this.absoluteRun);
            }

            if (useRelative)
            {
                this.Emit(char.ToLowerInvariant(command), this.relativeRun);
                this.Advance(command, relative, relative: true);
            }
            else
            {
                this.Emit(command, this.absoluteRun);
                this.Advance(command, absolute, relative: false);
            }

            if (command == 'M')
            {
                (this.startX, this.startY) = (this.currentX, this.currentY);
            }
        }

        public void ChooseArc(long rx, long ry, int radiusDecimals, long angle, bool large, bool sweep, long x, long y, long dx, long dy)
        {
            var stable = this.RelativeIsStable('A', [dx, dy], x, y);
            var abs = this.absoluteRun;
            abs.Clear();
            abs.Add(rx, radiusDecimals);
            abs.Add(ry, radiusDecimals);
            abs.Add(angle, this.angleDecimals);
            abs.Add(large ? 1 : 0, 0);
            abs.Add(sweep ? 1 : 0, 0);
            abs.Add(x, this.decimals);
            abs.Add(y, this.decimals);
            var rel = this.relativeRun;
            rel.CopyFrom(abs, 5);
            rel.Add(dx, this.decimals);
            rel.Add(dy, this.decimals);
            if (stable && this.Measure('a', rel) <= this.Measure('A', abs))
            {
                this.Emit('a', rel);
                this.Advance('A', [dx, dy], relative: true);
            }
            else
            {
                this.Emit('A', abs);
                this.Advance('A', [x, y], relative: false);
            }
        }

        public override string ToString() => this.text.ToString();

        private static bool IsArcFlag(char command, int index) => command is 'a' or 'A' && index is 3 or 4;

        private static bool HasFraction(ReadOnlySpan<char> number) => number.IndexOfAny('.', 'e') >= 0;

        private static bool NeedsSeparator(bool lastIsNumber, bool lastHasFraction, bool lastWasFlag, ReadOnlySpan<char> next, bool nextIsFlag)
        {
            if (!lastIsNumber || next[0] == '-')
            {
                return false;
            }

            if (lastWasFlag)
            {
                // A flag is exactly one character, so whatever follows cannot merge with it.
                return false;
            }

            if (nextIsFlag)
            {
                return true;
            }

            return !(next[0] == '.' && lastHasFraction);
        }

        private bool RelativeIsStable(char command, ReadOnlySpan<long> relative, long endX, long endY)
        {
            var (x, y) = this.Replay(command, relative, relative: true);
            return Math.Abs(x - (endX * this.step)) <= this.step / 10 && Math.Abs(y - (endY * this.step)) <= this.step / 10;
        }

        private void Advance(char command, ReadOnlySpan<long> values, bool relative) => (this.currentX, this.currentY) = this.Replay(command, values, relative);

        /// <summary>The end point as a renderer computes it in single precision.</summary>
        private (float X, float Y) Replay(char command, ReadOnlySpan<long> values, bool relative)
        {
            var step = this.step;
            float F(long v) => (float)(v * step);
            return command switch
            {
                'H' => (relative ? this.currentX + F(values[0]) : F(values[0]), this.currentY),
                'V' => (this.currentX, relative ? this.currentY + F(values[0]) : F(values[0])),
                _ => relative ? (this.currentX + F(values[^2]), this.currentY + F(values[^1])) : (F(values[^2]), F(values[^1])),
            };
        }

        private bool Implicit(char command) =>
            command == this.lastCommand ? command is not ('M' or 'm') : (command == 'L' && this.lastCommand == 'M') || (command == 'l' && this.lastCommand == 'm');

        private int Measure(char command, NumberRun numbers)
        {
            var needsLetter = !this.Implicit(command);
            var length = needsLetter ? 1 : 0;
            var lastIsNumber = !needsLetter && this.lastIsNumber;
            var lastHasFraction = this.lastHasFraction;
            var lastFlag = !needsLetter && this.lastWasFlag;
            for (var i = 0; i < numbers.Count; i++)
            {
                var number = numbers[i];
                var isFlag = IsArcFlag(command, i);
                length += number.Length + (NeedsSeparator(lastIsNumber, lastHasFraction, lastFlag, number, isFlag) ? 1 : 0);
                lastIsNumber = true;
                lastHasFraction = HasFraction(number);
                lastFlag = isFlag;
            }

            return length;
        }

        private void Emit(char command, NumberRun numbers)
        {
            if (!this.Implicit(command))
            {
                this.text.Append(command);
                this.lastIsNumber = false;
                this.lastWasFlag = false;
            }

            for (var i = 0; i < numbers.Count; i++)
            {
                var number = numbers[i];
                var isFlag = IsArcFlag(command, i);
                if (NeedsSeparator(this.lastIsNumber, this.lastHasFraction, this.lastWasFlag, number, isFlag))
                {
                    this.text.Append(' ');
                }

                this.text.Append(number);
                this.lastIsNumber = true;
                this.lastHasFraction = HasFraction(number);
                this.lastWasFlag = isFlag;
            }

            // After a moveto, repetitions are linetos: record the implied command for implicitness checks.
            this.lastCommand = command;
        }
    }
}
