using System.Text.Json;
using System.Text.Json.Serialization;

namespace Benchmarks;

/// <summary>
/// The outcome of one side-by-side comparison, printed as the last line of <c>compare NAME</c>:
/// <c>{"name":…,"unit":…,"ours":…,"peer":…,"ratio":…,"details":{…}}</c>, where <c>ratio</c> is
/// ours/peer with higher meaning better for us.
/// </summary>
public sealed record ComparisonResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("ours")] double Ours,
    [property: JsonPropertyName("peer")] double Peer,
    [property: JsonPropertyName("ratio")] double Ratio,
    [property: JsonPropertyName("details")] IReadOnlyDictionary<string, object> Details)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    /// <summary>The one-line JSON form.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
