namespace MicroSvg.Geometry;

/// <summary>
/// One path segment in absolute coordinates. <see cref="Command"/> is the upper-case SVG command;
/// the end point (<see cref="X"/>, <see cref="Y"/>) is always filled, also for H, V and Z.
/// </summary>
/// <remarks>
/// Segments read from text also carry the single-precision points a renderer computes from that text
/// (<see cref="HasRendered"/>): numbers parsed to float, relative offsets added to a float current
/// point, shorthand control points reflected in float. The path writer reproduces those exact floats
/// where it can, because rasterizers switch algorithms on float-level details (a contour that closes
/// exactly, a convex outline, a half-circle arc whose chord equals its diameter).
/// </remarks>
internal struct PathCommand
{
    public char Command;
    public double X1;
    public double Y1;
    public double X2;
    public double Y2;
    public double X;
    public double Y;
    public double Rx;
    public double Ry;
    public double Angle;
    public bool LargeArc;
    public bool Sweep;

    /// <summary>Whether the rendered points below are known (the segment was parsed from text).</summary>
    public bool HasRendered;

    /// <summary>Whether the rendered points depend on the previous segment's: written relative, or a shorthand reflecting its control point.</summary>
    public bool DependsOnPrevious;

    /// <summary>The most fraction digits of any number the absolute coordinates of this segment are sums of.</summary>
    public int Digits;

    /// <summary>First control point as rendered (C, S, Q, T).</summary>
    public float RenderedX1;

    /// <summary>First control point as rendered (C, S, Q, T).</summary>
    public float RenderedY1;

    /// <summary>Second control point as rendered (C, S).</summary>
    public float RenderedX2;

    /// <summary>Second control point as rendered (C, S).</summary>
    public float RenderedY2;

    /// <summary>End point as rendered.</summary>
    public float RenderedX;

    /// <summary>End point as rendered.</summary>
    public float RenderedY;
}
