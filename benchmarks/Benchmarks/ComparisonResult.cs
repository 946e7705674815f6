using System.Text.Json;
using System.Text.Json.Serialization;

namespace Benchmarks;

/// <summary>
/// The outcome of one side-by-side comparison of ours against a peer, printed as one JSON object
/// (the last line of <c>compare NAME</c>).
/// </summary>
/// <param name="Name">The comparison's name, e.g. <c>transport</c>.</param>
/// <param name="Unit">The unit of <paramref name="Ours"/> and <paramref name="Peer"/>, e.g. <c>MB/s</c>.</param>
/// <param name="Ours">Our figure.</param>
/// <param name="Peer">The peer's figure, measured in the same run.</param>
/// <param name="Ratio">Ours relative to the peer, oriented so that higher is better for us.</param>
/// <param name="Details">Further figures and the settings they were measured with.</param>
public sealed record ComparisonResult(string Name, string Unit, double Ours, double Peer, double Ratio, IReadOnlyDictionary<string, object> Details)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Builds a result where a larger figure is better (throughput): ratio = ours / peer.</summary>
    public static ComparisonResult HigherIsBetter(string name, string unit, double ours, double peer, IReadOnlyDictionary<string, object> details) =>
        new(name, unit, Round(ours), Round(peer), peer > 0 ? Math.Round(ours / peer, 3) : 0, details);

    /// <summary>Builds a result where a smaller figure is better (latency, size): ratio = peer / ours.</summary>
    public static ComparisonResult LowerIsBetter(string name, string unit, double ours, double peer, IReadOnlyDictionary<string, object> details) =>
        new(name, unit, Round(ours), Round(peer), ours > 0 ? Math.Round(peer / ours, 3) : 0, details);

    /// <summary>The result as one line of JSON: <c>{"name":…,"unit":…,"ours":…,"peer":…,"ratio":…,"details":{…}}</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    private static double Round(double value) => Math.Round(value, 1);
}
