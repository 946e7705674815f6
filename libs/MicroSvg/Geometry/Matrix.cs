namespace MicroSvg.Geometry;

/// <summary>An affine transform <c>[a c e; b d f; 0 0 1]</c> as in SVG's <c>matrix(a b c d e f)</c>.</summary>
internal readonly record struct Matrix(double A, double B, double C, double D, double E, double F)
{
    /// <summary>The identity transform.</summary>
    public static readonly Matrix Identity = new(1, 0, 0, 1, 0, 0);

    /// <summary>Gets a value indicating whether this is exactly the identity.</summary>
    public bool IsIdentity => this == Identity;

    /// <summary>Gets the largest factor by which the transform can stretch a length.</summary>
    public double MaxScale => Math.Max(Math.Sqrt((this.A * this.A) + (this.B * this.B)), Math.Sqrt((this.C * this.C) + (this.D * this.D)));

    /// <summary>Returns this transform applied after <paramref name="inner"/> (this × inner).</summary>
    public Matrix Multiply(Matrix inner) => new(
        (this.A * inner.A) + (this.C * inner.B),
        (this.B * inner.A) + (this.D * inner.B),
        (this.A * inner.C) + (this.C * inner.D),
        (this.B * inner.C) + (this.D * inner.D),
        (this.A * inner.E) + (this.C * inner.F) + this.E,
        (this.B * inner.E) + (this.D * inner.F) + this.F);

    /// <summary>Transforms a point.</summary>
    public (double X, double Y) Apply(double x, double y) => ((this.A * x) + (this.C * y) + this.E, (this.B * x) + (this.D * y) + this.F);
}
