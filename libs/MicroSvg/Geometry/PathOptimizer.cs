using System.Text;

namespace MicroSvg.Geometry;

/// <summary>
/// Rewrites absolute path commands as the shortest equivalent path data: every coordinate rounded
/// once in absolute terms (so relative forms never accumulate error), each segment written absolute or
/// relative whichever is shorter, repeated commands implicit, S and T only where the control point is
/// exactly the reflection, compact arc flags, and segments removed only where that cannot be seen.
/// </summary>
/// <remarks>
/// Renderers read path data into single-precision floats and add relative offsets to a float current
/// point, and rasterizers take different paths on float-level details (whether a contour closes
/// exactly, whether an outline is convex, whether a half-circle arc's chord equals its diameter). So
/// each segment has target floats: the points the renderer computed from the original text where
/// rounding leaves the numbers unchanged, else the floats of the rounded absolute coordinates. Of the
/// forms of a segment (absolute or relative, shorthand or full, for a moveto also after a closepath)
/// the writer takes the shortest that reproduces its targets exactly, and only when none does the one
/// closest to them.
/// </remarks>
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

        /// <summary>
        /// The path sits in a transformed group, where Svg.Skia transforms the points of closed polygons
        /// itself (and only of those), so a closed polygon keeps its closepath.
        /// </summary>
        KeepPolygonClose = 4,
    }

    /// <summary>Scratch lists and writer of the current thread, reused so that a path costs one string.</summary>
    [ThreadStatic]
    private static Scratch? scratch;

    /// <summary>Returns the optimized data, or null when the input cannot be rounded safely.</summary>
    /// <param name="commands">The path in absolute commands, as parsed.</param>
    /// <param name="decimals">Decimals kept in coordinates.</param>
    /// <param name="allowances">What may be assumed about how the path is painted.</param>
    /// <param name="arcTolerance">How far (in user units) a circular arc may move when its radius is written shorter; 0 keeps radii exact.</param>
    public static string? Optimize(List<PathCommand> commands, int decimals, Allowances allowances, double arcTolerance = 0)
    {
        var work = scratch ??= new Scratch();
        try
        {
            if (!Round(commands, decimals, arcTolerance, work.Rounded))
            {
                return null;
            }

            Simplify(work.Rounded, work.Simplified, allowances);
            MarkStrict(work.Simplified, (allowances & Allowances.FillOnly) == 0);
            return Write(work.Simplified, work.Writer, decimals, (allowances & Allowances.FillOnly) != 0);
        }
        finally
        {
            work.Release();
        }
    }

    private static bool Round(List<PathCommand> commands, int decimals, double arcTolerance, List<Segment> result)
    {
        var angleDecimals = Math.Min(decimals + 2, 12);
        long cx = 0, cy = 0, sx = 0, sy = 0;
        double ox = 0, oy = 0, osx = 0, osy = 0;
        var previous = default(Segment);
        var start = default(Segment);
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
                    if (!ShortenRadius(ref s, p, ox, oy, cx, cy, decimals, arcTolerance) && !RoundRadii(ref s, p, ox, oy, cx, cy, decimals))
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

            SetTargets(ref s, p, decimals, result.Count > 0 ? result[^1] : default, start);
            if (s.C == 'M')
            {
                start = s;
            }

            (cx, cy) = (s.X, s.Y);
            (ox, oy) = p.Command == 'Z' ? (osx, osy) : (p.X, p.Y);
            result.Add(s);
            previous = s;
        }

        return true;
    }

    /// <summary>The float the reference renderer draws for an absolute coordinate written with the given decimals.</summary>
    private static float Rendered(long scaled, int decimals) => SvgNumber.ToRendered(scaled, decimals);

    /// <summary>
    /// Sets the floats the writer must reproduce: those the renderer computed from the original text
    /// when rounding keeps every number of the segment, else those of the rounded coordinates.
    /// </summary>
    private static void SetTargets(ref Segment s, in PathCommand p, int decimals, in Segment previous, in Segment start)
    {
        // Rounded absolute coordinates are reproduced by the absolute form alone, except where the
        // target takes something from the current point.
        s.DependsOnPrevious = p.Command is 'S' or 'T' or 'H' or 'V';
        if (p.HasRendered && p.Digits <= decimals)
        {
            s.DependsOnPrevious = p.DependsOnPrevious;
            (s.TX1, s.TY1, s.TX2, s.TY2, s.TX, s.TY) = (p.RenderedX1, p.RenderedY1, p.RenderedX2, p.RenderedY2, p.RenderedX, p.RenderedY);
            if (p.Command is 'C' or 'S' or 'Q' or 'T')
            {
                return;
            }

            // Only the end point matters for other segments; the rest mirrors it for uniform comparisons.
            (s.TX1, s.TY1, s.TX2, s.TY2) = (s.TX, s.TY, s.TX, s.TY);
            return;
        }

        var x = Rendered(s.X, decimals);
        var y = Rendered(s.Y, decimals);
        (s.TX, s.TY) = (x, y);
        (s.TX1, s.TY1, s.TX2, s.TY2) = (x, y, x, y);
        if (s.C == 'Z')
        {
            (s.TX, s.TY, s.TX1, s.TY1, s.TX2, s.TY2) = (start.TX, start.TY, start.TX, start.TY, start.TX, start.TY);
        }
        else if (s.C is 'C' or 'Q')
        {
            (s.TX1, s.TY1) = (Rendered(s.X1, decimals), Rendered(s.Y1, decimals));
            if (p.Command is 'S' or 'T')
            {
                // A shorthand stays a shorthand: its control point is the renderer's reflection of the previous one.
                var (controlX, controlY) = p.Command == 'S' ? (previous.TX2, previous.TY2) : (previous.TX1, previous.TY1);
                (s.TX1, s.TY1) = previous.C == (p.Command == 'S' ? 'C' : 'Q')
                    ? PathParser.Reflect(controlX, controlY, previous.TX, previous.TY)
                    : (previous.TX, previous.TY);
            }

            if (s.C == 'C')
            {
                (s.TX2, s.TY2) = (Rendered(s.X2, decimals), Rendered(s.Y2, decimals));
            }
        }
        else if (s.C == 'L' && p.Command is 'H' or 'V')
        {
            // The other coordinate is the current point's, whatever floats that has.
            (s.TX, s.TY) = p.Command == 'H' ? (x, previous.TY) : (previous.TX, y);
            (s.TX1, s.TY1, s.TX2, s.TY2) = (s.TX, s.TY, s.TX, s.TY);
        }
    }

    /// <summary>
    /// Rounds arc radii with as few decimals as keep the arc's centre and radii (after the renderer's
    /// scale-up of too-small radii) within two rounding steps of the original. Arcs close to a
    /// half ellipse are ill-conditioned: a tiny radius change moves the centre a lot.
    /// </summary>
    /// <summary>
    /// Writes the radius of a circular arc with the fewest decimals that keep its bulge within
    /// <paramref name="tolerance"/> of the original (large radii of nearly flat arcs often carry
    /// digits that move the arc by a millionth of the image); false to leave the radii to <see cref="RoundRadii"/>.
    /// </summary>
    private static bool ShortenRadius(ref Segment s, PathCommand p, double x0, double y0, long cx, long cy, int decimals, double tolerance)
    {
        // Only circles: their rotation does not matter and the arcs through two points differ only in bulge.
        if (!(tolerance > 0) || Math.Abs(p.Rx) != Math.Abs(p.Ry))
        {
            return false;
        }

        var scale = SvgNumber.Pow10(decimals);
        var original = Bulge(Math.Abs(p.Rx), Math.Sqrt(((p.X - x0) * (p.X - x0)) + ((p.Y - y0) * (p.Y - y0))), p.LargeArc);
        var chord = Math.Sqrt((((s.X - cx) * (s.X - cx)) + ((s.Y - cy) * (s.Y - cy))) / (scale * scale));
        for (var d = 0; d < decimals; d++)
        {
            if (!SvgNumber.TryScale(Math.Abs(p.Rx), d, out var radius) || radius == 0)
            {
                continue;
            }

            var shortened = Bulge(radius / SvgNumber.Pow10(d), chord, p.LargeArc);
            if (original is { } a && shortened is { } b && Math.Abs(a - b) <= tolerance)
            {
                // Only a radius that would be kept when read back: otherwise each run of the passes
                // could shorten it again and walk away from the original.
                if (!IsShortestWithin(radius, d, chord, p.LargeArc, tolerance))
                {
                    return false;
                }

                (s.Rx, s.Ry, s.RadiusDecimals) = (radius, radius, d);
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns whether no radius with fewer decimals than <paramref name="decimals"/> bulges within the tolerance of this one.</summary>
    private static bool IsShortestWithin(long radius, int decimals, double chord, bool largeArc, double tolerance)
    {
        var value = radius / SvgNumber.Pow10(decimals);
        var bulge = Bulge(value, chord, largeArc);
        for (var d = 0; d < decimals; d++)
        {
            if (SvgNumber.TryScale(value, d, out var shorter) && shorter != 0
                && Bulge(shorter / SvgNumber.Pow10(d), chord, largeArc) is { } b && bulge is { } a && Math.Abs(a - b) <= tolerance)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Returns how far a circular arc bulges from its chord, or null near a half circle, where the
    /// renderer's scale-up of a radius that is too small makes the arc ill-conditioned.
    /// </summary>
    private static double? Bulge(double radius, double chord, bool largeArc)
    {
        var half = chord / 2;
        if (half >= 0.9 * radius)
        {
            return null;
        }

        var rise = Math.Sqrt((radius * radius) - (half * half));
        return largeArc ? radius + rise : radius - rise;
    }

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
        var current = default(Segment);
        var start = default(Segment);
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];

            // Geometry is only dropped where the renderer's floats coincide too: a rasterizer draws the
            // tiny edge between two points that differ in the last float bit.
            if (fillOnly && noMarkers)
            {
                if (s.C is 'C' && SamePoint(s.X1, s.Y1, s.TX1, s.TY1, current) && SamePoint(s.X2, s.Y2, s.TX2, s.TY2, s))
                {
                    s.C = 'L';
                }
                else if (s.C is 'Q' && (SamePoint(s.X1, s.Y1, s.TX1, s.TY1, current) || SamePoint(s.X1, s.Y1, s.TX1, s.TY1, s)))
                {
                    s.C = 'L';
                }

                var still = SamePoint(s.X, s.Y, s.TX, s.TY, current) && s.C switch
                {
                    'C' => SamePoint(s.X1, s.Y1, s.TX1, s.TY1, current) && SamePoint(s.X2, s.Y2, s.TX2, s.TY2, current),
                    'Q' => SamePoint(s.X1, s.Y1, s.TX1, s.TY1, current),
                    _ => true,
                };
                if (s.C is 'L' or 'C' or 'Q' or 'A' && still && output.Count > 0)
                {
                    continue;
                }

                if (s.C == 'Z')
                {
                    // A line back to the start right before closepath adds nothing to a fill.
                    DropLinesBackToStart(output, start);
                }
                else if (s.C == 'M')
                {
                    // A fill closes every subpath anyway, so closepath and lines back to the start are implied.
                    CloseImplicitly(output, start);
                }
            }
            else if (s.C == 'A' && SamePoint(s.X, s.Y, s.TX, s.TY, current) && noMarkers)
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
                start = s;
            }

            output.Add(s);
            current = s;
        }

        if (fillOnly && noMarkers && !((allowances & Allowances.KeepPolygonClose) != 0 && IsClosedPolygon(output)))
        {
            CloseImplicitly(output, start);
        }

        if (noMarkers && output.Count > 1 && output[^1].C == 'M')
        {
            output.RemoveAt(output.Count - 1);
        }
    }

    /// <summary>
    /// Marks the segments whose floats rasterizers are sensitive to: every segment of a stroked path
    /// (a stroker decides joins, miter limits and tangents at nearly straight or degenerate corners),
    /// every segment of a path with one contour that may be convex (a convex outline is drawn by a
    /// different algorithm), movetos, ends that return to the
    /// subpath start, and arcs and the points they start from (a half-circle arc is ill-conditioned).
    /// A marked segment whose original floats were computed from the previous segment's (relative data,
    /// shorthand reflections, H and V) marks that one too, so that its own original form stays exact.
    /// </summary>
    private static void MarkStrict(List<Segment> segments, bool mayStroke)
    {
        var contours = 0;
        foreach (var s in segments)
        {
            contours += s.C == 'M' ? 1 : 0;
        }

        var start = default(Segment);
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            if (s.C == 'M')
            {
                start = s;
            }

            var next = i + 1 < segments.Count ? segments[i + 1].C : '\0';
            s.Strict = s.C is 'M' or 'A' || next == 'A' || (s.X == start.X && s.Y == start.Y);
            segments[i] = s;
        }

        if (mayStroke || (contours <= 1 && !IsClearlyConcave(segments)))
        {
            for (var i = 0; i < segments.Count; i++)
            {
                var s = segments[i];
                s.Strict = true;
                segments[i] = s;
            }
        }

        for (var i = segments.Count - 1; i > 0; i--)
        {
            // After a closepath the current point is the subpath start, a moveto, which is marked anyway.
            if (segments[i].Strict && segments[i].DependsOnPrevious && segments[i - 1].C != 'Z')
            {
                var previous = segments[i - 1];
                previous.Strict = true;
                segments[i - 1] = previous;
            }
        }
    }

    /// <summary>
    /// Returns whether a one-contour path turns both left and right by clear angles along its control
    /// polygon, so that no float-level change can make a rasterizer take it for convex. Arcs are
    /// treated as possibly convex.
    /// </summary>
    private static bool IsClearlyConcave(List<Segment> segments)
    {
        // Minimum sine of a turn that counts: far above what float steps can change.
        const double MinimumTurn = 1e-3;
        var points = new List<(double X, double Y)>(segments.Count * 3);
        foreach (var s in segments)
        {
            switch (s.C)
            {
                case 'A':
                    return false;
                case 'C':
                    points.Add((s.X1, s.Y1));
                    points.Add((s.X2, s.Y2));
                    break;
                case 'Q':
                    points.Add((s.X1, s.Y1));
                    break;
            }

            if (s.C != 'Z')
            {
                points.Add((s.X, s.Y));
            }
        }

        var (left, right) = (false, false);
        var previous = (X: 0.0, Y: 0.0);
        var hasPrevious = false;
        for (var i = 0; i <= points.Count; i++)
        {
            var (a, b) = (points[i % points.Count], points[(i + 1) % points.Count]);
            var edge = (X: b.X - a.X, Y: b.Y - a.Y);
            if (edge.X == 0 && edge.Y == 0)
            {
                continue;
            }

            if (hasPrevious)
            {
                var cross = (previous.X * edge.Y) - (previous.Y * edge.X);
                var scale = Math.Sqrt(((previous.X * previous.X) + (previous.Y * previous.Y)) * ((edge.X * edge.X) + (edge.Y * edge.Y)));
                left |= cross > MinimumTurn * scale;
                right |= cross < -MinimumTurn * scale;
            }

            (previous, hasPrevious) = (edge, true);
        }

        return left && right;
    }

    /// <summary>Returns whether a point equals the end point of <paramref name="other"/>, rounded and as rendered.</summary>
    private static bool SamePoint(long x, long y, float renderedX, float renderedY, in Segment other) =>
        x == other.X && y == other.Y && renderedX == other.TX && renderedY == other.TY;

    /// <summary>
    /// Returns whether the path is one closed polygon (moveto, linetos, closepath). Svg.Skia builds
    /// such a path as a polygon and, in a transformed group, may transform its points itself instead of
    /// leaving that to Skia, so there its closepath stays even where a fill would imply it.
    /// </summary>
    private static bool IsClosedPolygon(List<Segment> output)
    {
        if (output.Count < 4 || output[0].C != 'M' || output[^1].C != 'Z')
        {
            return false;
        }

        for (var i = 1; i < output.Count - 1; i++)
        {
            if (output[i].C != 'L')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Removes the closepath and lines back to the start that end a filled subpath.</summary>
    private static void CloseImplicitly(List<Segment> output, in Segment start)
    {
        if (output.Count > 1 && output[^1].C == 'Z')
        {
            output.RemoveAt(output.Count - 1);
        }

        DropLinesBackToStart(output, start);
    }

    private static void DropLinesBackToStart(List<Segment> output, in Segment start)
    {
        while (output.Count > 1 && output[^1] is { C: 'L' } last && SamePoint(last.X, last.Y, last.TX, last.TY, start) && output[^2].C != 'M')
        {
            output.RemoveAt(output.Count - 1);
        }
    }

    private static string Write(List<Segment> segments, PathWriter writer, int decimals, bool fillOnly)
    {
        writer.Reset(decimals);
        long cx = 0, cy = 0, sx = 0, sy = 0;
        var previous = default(Segment);
        foreach (var s in segments)
        {
            writer.Begin(s);
            switch (s.C)
            {
                case 'M':
                    writer.Offer('M', [s.X, s.Y], [s.X - cx, s.Y - cy], offerRelative: !writer.IsEmpty);
                    if (fillOnly && writer.IsOpen)
                    {
                        // Closing the previous subpath first costs a character but moves from its start.
                        writer.OfferAfterClose([s.X - sx, s.Y - sy]);
                    }

                    (sx, sy) = (s.X, s.Y);
                    break;
                case 'Z':
                    writer.Close();
                    break;
                case 'L':
                    // A shorthand has fewer numbers, so the full form is only worth trying when no shorthand fits.
                    var fits = false;
                    if (s.Y == cy && s.X != cx)
                    {
                        fits = writer.Offer('H', [s.X], [s.X - cx]);
                    }
                    else if (s.X == cx)
                    {
                        fits = writer.Offer('V', [s.Y], [s.Y - cy]);
                    }

                    if (!fits)
                    {
                        writer.Offer('L', [s.X, s.Y], [s.X - cx, s.Y - cy]);
                    }

                    break;
                case 'C':
                    var reflected = previous.C == 'C' ? ((2 * cx) - previous.X2, (2 * cy) - previous.Y2) : (cx, cy);
                    if ((s.X1, s.Y1) != reflected || !writer.Offer('S', [s.X2, s.Y2, s.X, s.Y], [s.X2 - cx, s.Y2 - cy, s.X - cx, s.Y - cy]))
                    {
                        writer.Offer('C', [s.X1, s.Y1, s.X2, s.Y2, s.X, s.Y], [s.X1 - cx, s.Y1 - cy, s.X2 - cx, s.Y2 - cy, s.X - cx, s.Y - cy]);
                    }

                    break;
                case 'Q':
                    var mirrored = previous.C == 'Q' ? ((2 * cx) - previous.X1, (2 * cy) - previous.Y1) : (cx, cy);
                    if ((s.X1, s.Y1) != mirrored || !writer.Offer('T', [s.X, s.Y], [s.X - cx, s.Y - cy]))
                    {
                        writer.Offer('Q', [s.X1, s.Y1, s.X, s.Y], [s.X1 - cx, s.Y1 - cy, s.X - cx, s.Y - cy]);
                    }

                    break;
                case 'A':
                    writer.OfferArc(s.Rx, s.Ry, s.RadiusDecimals, s.Angle, s.LargeArc, s.Sweep, [s.X, s.Y], [s.X - cx, s.Y - cy]);
                    break;
            }

            if (s.C != 'Z')
            {
                writer.Commit();
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

        // The floats the renderer must end up with (see SetTargets); segments without control points repeat the end point.
        public float TX1;
        public float TY1;
        public float TX2;
        public float TY2;
        public float TX;
        public float TY;

        // Whether the writer must reproduce the targets exactly (see MarkStrict), and whether the original
        // floats were computed from the previous segment's.
        public bool Strict;
        public bool DependsOnPrevious;
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
    }

    /// <summary>One way to write a segment: its command, numbers and the floats a renderer computes from them.</summary>
    private sealed class Candidate
    {
        public NumberRun Numbers { get; } = new();

        public char Command { get; set; }

        public bool AfterClose { get; set; }

        public int Length { get; set; }

        public double Deviation { get; set; }

        public (float X, float Y) Control1 { get; set; }

        public (float X, float Y) Control2 { get; set; }

        public (float X, float Y) End { get; set; }
    }

    /// <summary>Accumulates path text, tracking what is needed to drop separators and command letters.</summary>
    private sealed class PathWriter
    {
        private const int MaxCandidates = 5;

        private readonly StringBuilder text = new();
        private readonly Candidate[] candidates = Enumerable.Range(0, MaxCandidates).Select(_ => new Candidate()).ToArray();
        private int candidateCount;
        /// <summary>
        /// Single-precision steps a point outside the sensitive cases (see MarkStrict) may move when a
        /// shorter form is written: a few millionths of the coordinate, far below any pixel, and measured
        /// against the target so relative runs cannot accumulate it.
        /// </summary>
        private const double ToleranceSteps = 4;

        private Segment target;
        private double tolerance;
        private char lastCommand;

        // The renderer's state in single precision: current point, subpath start, last control point.
        private (float X, float Y) current;
        private (float X, float Y) start;
        private (float X, float Y) lastControl;
        private bool afterCubic;
        private bool afterQuadratic;

        // What separator rules need to know about the last number written.
        private bool lastIsNumber;
        private bool lastHasFraction;
        private bool lastWasFlag;

        private int decimals;
        private int angleDecimals;

        public bool IsEmpty => this.text.Length == 0;

        /// <summary>Gets a value indicating whether the last subpath is open (something was written since the last closepath).</summary>
        public bool IsOpen => this.text.Length > 0 && this.lastCommand != 'z';

        /// <summary>Starts a new path written with the given decimals.</summary>
        public void Reset(int decimals)
        {
            this.decimals = decimals;
            this.angleDecimals = Math.Min(decimals + 2, 12);
            this.text.Clear();
            this.lastCommand = '\0';
            (this.current, this.start, this.lastControl) = (default, default, default);
            (this.afterCubic, this.afterQuadratic) = (false, false);
            (this.lastIsNumber, this.lastHasFraction, this.lastWasFlag) = (false, false, false);
        }

        /// <summary>Clears the text; returns false when its buffer grew past <paramref name="maxChars"/> and should not be kept.</summary>
        public bool Release(int maxChars)
        {
            this.text.Clear();
            return this.text.Capacity <= maxChars;
        }

        /// <summary>Starts collecting the forms of one segment, whose target floats the forms are measured against.</summary>
        public void Begin(in Segment segment)
        {
            this.target = segment;
            this.tolerance = segment.Strict ? 0 : ToleranceSteps;
            this.candidateCount = 0;
        }

        public void Close()
        {
            this.current = this.start;
            (this.afterCubic, this.afterQuadratic) = (false, false);
            this.text.Append('z');
            this.lastCommand = 'z';
            this.lastIsNumber = false;
            this.lastWasFlag = false;
        }

        /// <summary>
        /// Offers the absolute and (unless <paramref name="offerRelative"/> is false) the relative form of a
        /// segment; returns whether either reproduces the targets within tolerance.
        /// </summary>
        public bool Offer(char command, ReadOnlySpan<long> absolute, ReadOnlySpan<long> relative, bool offerRelative = true)
        {
            var candidate = this.Add(command, afterClose: false);
            candidate.Numbers.AddAll(absolute, this.decimals);
            this.Evaluate(candidate, absolute);
            var fits = candidate.Deviation <= this.tolerance;
            if (offerRelative)
            {
                candidate = this.Add(char.ToLowerInvariant(command), afterClose: false);
                candidate.Numbers.AddAll(relative, this.decimals);
                this.Evaluate(candidate, relative);
                fits |= candidate.Deviation <= this.tolerance;
            }

            return fits;
        }

        /// <summary>Offers a relative moveto written after a closepath, relative to the start of the subpath it closes.</summary>
        public void OfferAfterClose(ReadOnlySpan<long> relative)
        {
            var candidate = this.Add('m', afterClose: true);
            candidate.Numbers.AddAll(relative, this.decimals);
            this.Evaluate(candidate, relative);
        }

        public void OfferArc(long rx, long ry, int radiusDecimals, long angle, bool large, bool sweep, ReadOnlySpan<long> absolute, ReadOnlySpan<long> relative)
        {
            for (var i = 0; i < 2; i++)
            {
                var end = i == 0 ? absolute : relative;
                var candidate = this.Add(i == 0 ? 'A' : 'a', afterClose: false);
                var numbers = candidate.Numbers;
                numbers.Clear();
                numbers.Add(rx, radiusDecimals);
                numbers.Add(ry, radiusDecimals);
                numbers.Add(angle, this.angleDecimals);
                numbers.Add(large ? 1 : 0, 0);
                numbers.Add(sweep ? 1 : 0, 0);
                numbers.Add(end[0], this.decimals);
                numbers.Add(end[1], this.decimals);
                this.Evaluate(candidate, end);
            }
        }

        /// <summary>
        /// Writes the offered form that reproduces the target floats exactly, the shortest of those if
        /// several do; if none does, the one closest to them.
        /// </summary>
        public void Commit()
        {
            var best = this.candidates[0];
            for (var i = 1; i < this.candidateCount; i++)
            {
                if (this.Rank(this.candidates[i]).CompareTo(this.Rank(best)) < 0)
                {
                    best = this.candidates[i];
                }
            }

            if (best.AfterClose)
            {
                this.Close();
            }

            this.Emit(best.Command, best.Numbers);
            var upper = char.ToUpperInvariant(best.Command);
            this.current = best.End;
            if (upper == 'M')
            {
                this.start = best.End;
            }

            this.afterCubic = upper is 'C' or 'S';
            this.afterQuadratic = upper is 'Q' or 'T';
            this.lastControl = this.afterCubic ? best.Control2 : best.Control1;
        }

        public override string ToString() => this.text.ToString();

        /// <summary>
        /// Orders candidates: within tolerance before outside it; then the shorter (within) or the closer
        /// (outside); then the closer or shorter; on a tie the relative form, and a form without an added closepath.
        /// </summary>
        private (int, double, double, int, int) Rank(Candidate c)
        {
            var fits = c.Deviation <= this.tolerance;
            return (fits ? 0 : 1, fits ? c.Length : c.Deviation, fits ? c.Deviation : c.Length, c.AfterClose ? 1 : 0, char.IsAsciiLetterLower(c.Command) ? 0 : 1);
        }

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

        /// <summary>
        /// How far a point is from its target, in single-precision steps at the larger of the target and
        /// the current point: a relative offset cannot land closer than a step of the point it starts from.
        /// </summary>
        private static double Distance((float X, float Y) a, (float X, float Y) b, (float X, float Y) origin) =>
            Math.Max(Steps(a.X, b.X, origin.X), Steps(a.Y, b.Y, origin.Y));

        private static double Steps(float value, float target, float origin)
        {
            if (value == target)
            {
                return 0;
            }

            var magnitude = Math.Max(Math.Abs(target), Math.Abs(origin));
            var step = (double)MathF.BitIncrement(magnitude) - magnitude;
            return Math.Abs((double)value - target) / step;
        }

        private Candidate Add(char command, bool afterClose)
        {
            var candidate = this.candidates[this.candidateCount++];
            candidate.Command = command;
            candidate.AfterClose = afterClose;
            return candidate;
        }

        /// <summary>Computes the floats a renderer gets from the candidate, their distance from the targets, and the text length.</summary>
        private void Evaluate(Candidate candidate, ReadOnlySpan<long> values)
        {
            var command = candidate.Command;
            var relative = char.IsAsciiLetterLower(command);
            var origin = candidate.AfterClose ? this.start : this.current;

            var upper = char.ToUpperInvariant(command);
            (float X, float Y) control1 = default, control2 = default, end;
            switch (upper)
            {
                case 'H':
                    end = (this.Coordinate(values[0], origin.X, relative), origin.Y);
                    break;
                case 'V':
                    end = (origin.X, this.Coordinate(values[0], origin.Y, relative));
                    break;
                case 'C':
                    (control1, control2, end) = (this.Point(values, 0, origin, relative), this.Point(values, 2, origin, relative), this.Point(values, 4, origin, relative));
                    break;
                case 'S':
                    control1 = this.afterCubic ? PathParser.Reflect(this.lastControl.X, this.lastControl.Y, origin.X, origin.Y) : origin;
                    (control2, end) = (this.Point(values, 0, origin, relative), this.Point(values, 2, origin, relative));
                    break;
                case 'Q':
                    (control1, end) = (this.Point(values, 0, origin, relative), this.Point(values, 2, origin, relative));
                    break;
                case 'T':
                    control1 = this.afterQuadratic ? PathParser.Reflect(this.lastControl.X, this.lastControl.Y, origin.X, origin.Y) : origin;
                    end = this.Point(values, 0, origin, relative);
                    break;
                default:
                    end = this.Point(values, values.Length - 2, origin, relative);
                    break;
            }

            var t = this.target;
            var deviation = Distance(end, (t.TX, t.TY), this.current);
            if (upper is 'C' or 'S' or 'Q' or 'T')
            {
                deviation = Math.Max(deviation, Distance(control1, (t.TX1, t.TY1), this.current));
            }

            if (upper is 'C' or 'S')
            {
                deviation = Math.Max(deviation, Distance(control2, (t.TX2, t.TY2), this.current));
            }

            (candidate.Control1, candidate.Control2, candidate.End, candidate.Deviation) = (control1, control2, end, deviation);
            candidate.Length = this.Measure(command, candidate.Numbers, candidate.AfterClose);
        }

        /// <summary>A coordinate as the renderer computes it: the float of the number, added in float to the current point when relative.</summary>
        private float Coordinate(long value, float origin, bool relative)
        {
            var number = SvgNumber.ToRendered(value, this.decimals);
            return relative ? origin + number : number;
        }

        private (float X, float Y) Point(ReadOnlySpan<long> values, int index, (float X, float Y) origin, bool relative) =>
            (this.Coordinate(values[index], origin.X, relative), this.Coordinate(values[index + 1], origin.Y, relative));

        private bool Implicit(char command, char last) =>
            command == last ? command is not ('M' or 'm') : (command == 'L' && last == 'M') || (command == 'l' && last == 'm');

        private int Measure(char command, NumberRun numbers, bool afterClose)
        {
            var last = afterClose ? 'z' : this.lastCommand;
            var needsLetter = !this.Implicit(command, last);
            var length = (needsLetter ? 1 : 0) + (afterClose ? 1 : 0);
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
            if (!this.Implicit(command, this.lastCommand))
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
