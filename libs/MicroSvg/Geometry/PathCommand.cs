namespace MicroSvg.Geometry;

/// <summary>
/// One path segment in absolute coordinates. <see cref="Command"/> is the upper-case SVG command;
/// the end point (<see cref="X"/>, <see cref="Y"/>) is always filled, also for H, V and Z.
/// </summary>
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
}
