namespace MicroSvg.Geometry;

/// <summary>Endpoint-to-centre conversion of elliptical arcs (SVG 1.1 implementation notes, F.6.5 and F.6.6).</summary>
internal static class ArcGeometry
{
    /// <summary>Returns the centre and the radii after the renderer's scale-up of radii that are too small.</summary>
    public static (double Cx, double Cy, double Rx, double Ry) Center(double x1, double y1, double x2, double y2, double rx, double ry, double angleDegrees, bool largeArc, bool sweep)
    {
        rx = Math.Abs(rx);
        ry = Math.Abs(ry);
        var phi = angleDegrees * Math.PI / 180;
        var (sin, cos) = Math.SinCos(phi);
        var dx2 = (x1 - x2) / 2;
        var dy2 = (y1 - y2) / 2;
        var x1p = (cos * dx2) + (sin * dy2);
        var y1p = (-sin * dx2) + (cos * dy2);

        // F.6.6: radii too small for the end points are scaled up uniformly.
        var lambda = (x1p * x1p / (rx * rx)) + (y1p * y1p / (ry * ry));
        if (lambda > 1)
        {
            var root = Math.Sqrt(lambda);
            rx *= root;
            ry *= root;
        }

        var numerator = (rx * rx * ry * ry) - (rx * rx * y1p * y1p) - (ry * ry * x1p * x1p);
        var denominator = (rx * rx * y1p * y1p) + (ry * ry * x1p * x1p);
        var coefficient = denominator == 0 ? 0 : (largeArc != sweep ? 1 : -1) * Math.Sqrt(Math.Max(0, numerator / denominator));
        var cxp = coefficient * rx * y1p / ry;
        var cyp = -coefficient * ry * x1p / rx;
        return ((cos * cxp) - (sin * cyp) + ((x1 + x2) / 2), (sin * cxp) + (cos * cyp) + ((y1 + y2) / 2), rx, ry);
    }
}
