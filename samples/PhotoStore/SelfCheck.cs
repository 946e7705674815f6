using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Cluster.Core;
using Haystack;

namespace PhotoStore;

/// <summary>
/// A short scripted run against the HTTP front, as a user would drive it: uploads photos, reads them back through the Cache and
/// straight from a Store, checks every byte and the content length, sends hostile requests, deletes the photos and checks that
/// neither the Cache nor the Stores serve them afterwards. Prints what it measured.
/// </summary>
public static class SelfCheck
{
    /// <summary>Runs the check; true when every step behaved.</summary>
    /// <param name="http">A client whose base address is the front.</param>
    /// <param name="maxUploadBytes">The front's upload limit (the check sends one byte more and expects 413).</param>
    /// <param name="output">Where to print.</param>
    /// <param name="cache">The Cache, when it runs in this process, for its hit and miss counts.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    public static async Task<bool> RunAsync(HttpClient http, int maxUploadBytes, TextWriter output, PhotoCache? cache = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(output);
        var failures = new List<string>();
        void Check(bool ok, string what)
        {
            if (!ok)
            {
                failures.Add(what);
                output.WriteLine($"   FAILED: {what}");
            }
        }

        // Photo sizes from a few KiB to a few hundred, as thumbnails and web sizes are, and one near the limit.
        var random = new RandomSource(2010);
        var photos = Enumerable.Range(0, 24)
            .Select(i => i == 23 ? maxUploadBytes : Math.Min(maxUploadBytes, 4 * 1024 << (i % 7)))
            .Select(size =>
            {
                var bytes = new byte[size];
                random.NextBytes(bytes);
                return bytes;
            })
            .ToList();

        output.WriteLine($"== upload {photos.Count} photos ({photos.Sum(p => (long)p.Length) / 1024} KiB) with POST /photos");
        var uploaded = new List<(byte[] Data, UploadResult Result)>();
        var started = Stopwatch.GetTimestamp();
        foreach (var photo in photos)
        {
            using var response = await http.PostAsync(new Uri("/photos", UriKind.Relative), new ByteArrayContent(photo), cancellationToken);
            Check(response.StatusCode == HttpStatusCode.Created, $"upload of {photo.Length} bytes answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            if (response.StatusCode == HttpStatusCode.Created && await response.Content.ReadFromJsonAsync<UploadResult>(cancellationToken) is { } result)
            {
                Check(response.Headers.Location?.OriginalString == result.Url, "the Location header names the photo's URL");
                uploaded.Add((photo, result));
            }
        }

        var uploadTime = Stopwatch.GetElapsedTime(started);
        if (uploaded.Count > 0)
        {
            output.WriteLine($"   {uploaded.Count} uploads in {uploadTime.TotalMilliseconds:0} ms ({uploadTime.TotalMilliseconds / uploaded.Count:0.0} ms each, written and fsynced on 3 Stores); first URL {uploaded[0].Result.Url}");
        }

        output.WriteLine("== read them back with GET <url>: twice through the Cache, once straight from a Store");
        foreach (var (pass, direct) in new[] { ("through the Cache (misses)", false), ("through the Cache (hits)", false), ("from the Store", true) })
        {
            started = Stopwatch.GetTimestamp();
            long bytes = 0;
            foreach (var (data, result) in uploaded)
            {
                var url = direct ? Direct(result.Url) : result.Url;
                using var response = await http.GetAsync(new Uri(url, UriKind.Relative), cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                Check(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}");
                Check(response.Content.Headers.ContentLength == data.Length, $"GET {url} has Content-Length {response.Content.Headers.ContentLength}, not {data.Length}");
                Check(body.AsSpan().SequenceEqual(data), $"GET {url} returned other bytes than uploaded");
                bytes += body.Length;
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            output.WriteLine($"   {pass}: {uploaded.Count} reads, {bytes / 1024} KiB in {elapsed.TotalMilliseconds:0} ms ({uploaded.Count / elapsed.TotalSeconds:0} reads/s, {bytes / 1048576.0 / elapsed.TotalSeconds:0.0} MiB/s)");
        }

        if (cache is not null)
        {
            output.WriteLine($"   Cache: {cache.Hits} hits, {cache.Misses} misses, {cache.Count} photos ({cache.Bytes / 1024} KiB) held");
        }

        output.WriteLine("== hostile requests get clear errors");
        if (uploaded.Count > 0)
        {
            var url = uploaded[0].Result.Url;
            var wrongCookie = url[..^1] + (url[^1] == '0' ? '1' : '0');
            await ExpectAsync(http, HttpMethod.Get, wrongCookie, HttpStatusCode.Forbidden, "wrong cookie", output, Check, cancellationToken);
            await ExpectAsync(http, HttpMethod.Delete, wrongCookie, HttpStatusCode.Forbidden, "delete with a wrong cookie", output, Check, cancellationToken);
            var machine = url.Split('/')[2];
            await ExpectAsync(http, HttpMethod.Get, $"/-/{machine}/999999,1?0000000000000001", HttpStatusCode.NotFound, "unknown volume", output, Check, cancellationToken);
            await ExpectAsync(http, HttpMethod.Get, $"/-/{machine}/{uploaded[0].Result.Volume},{ulong.MaxValue - 7}?0000000000000001", HttpStatusCode.NotFound, "unknown key", output, Check, cancellationToken);
        }

        await ExpectAsync(http, HttpMethod.Get, "/50/11/three,1?0000000000000001", HttpStatusCode.BadRequest, "malformed URL", output, Check, cancellationToken);
        await ExpectAsync(http, HttpMethod.Get, "/50/11/3,1?not-a-cookie", HttpStatusCode.BadRequest, "malformed cookie", output, Check, cancellationToken);
        await ExpectAsync(http, HttpMethod.Get, "/7/11/3,1?0000000000000001", HttpStatusCode.NotFound, "unknown Cache", output, Check, cancellationToken);
        using (var tooLarge = await http.PostAsync(new Uri("/photos", UriKind.Relative), new ByteArrayContent(new byte[maxUploadBytes + 1]), cancellationToken))
        {
            var detail = await Detail(tooLarge, cancellationToken);
            output.WriteLine($"   oversized upload ({maxUploadBytes + 1} bytes): {(int)tooLarge.StatusCode} {detail}");
            Check(tooLarge.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"an oversized upload answered {(int)tooLarge.StatusCode}, not 413");
        }

        output.WriteLine("== delete them with DELETE <url>; afterwards neither the Cache nor the Stores serve them");
        started = Stopwatch.GetTimestamp();
        foreach (var (_, result) in uploaded)
        {
            using var response = await http.DeleteAsync(new Uri(result.Url, UriKind.Relative), cancellationToken);
            Check(response.StatusCode == HttpStatusCode.NoContent, $"DELETE {result.Url} answered {(int)response.StatusCode}");
        }

        var deleteTime = Stopwatch.GetElapsedTime(started);
        foreach (var (_, result) in uploaded)
        {
            foreach (var url in new[] { result.Url, Direct(result.Url) })
            {
                using var response = await http.GetAsync(new Uri(url, UriKind.Relative), cancellationToken);
                Check(response.StatusCode == HttpStatusCode.NotFound, $"GET {url} after the delete answered {(int)response.StatusCode}, not 404");
            }

            using var again = await http.DeleteAsync(new Uri(result.Url, UriKind.Relative), cancellationToken);
            Check(again.StatusCode == HttpStatusCode.NotFound, $"a second DELETE {result.Url} answered {(int)again.StatusCode}, not 404");
        }

        if (uploaded.Count > 0)
        {
            output.WriteLine($"   {uploaded.Count} deletes in {deleteTime.TotalMilliseconds:0} ms; every URL now answers 404, through the Cache and direct");
        }

        output.WriteLine(failures.Count == 0 ? "== self-check passed" : $"== self-check FAILED: {failures.Count} problems");
        return failures.Count == 0 && uploaded.Count == photos.Count;
    }

    /// <summary>The same URL read straight from its Store (<c>-</c> in place of the Cache).</summary>
    private static string Direct(string url) => string.Concat("/-", url.AsSpan(url.IndexOf('/', 1)));

    private static async Task ExpectAsync(HttpClient http, HttpMethod method, string url, HttpStatusCode expected, string what, TextWriter output, Action<bool, string> check, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        using var response = await http.SendAsync(request, cancellationToken);
        var detail = await Detail(response, cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {what} ({method} {url}): {(int)response.StatusCode} {detail}"));
        check(response.StatusCode == expected, $"{what}: {method} {url} answered {(int)response.StatusCode}, not {(int)expected}");
    }

    private static async Task<string> Detail(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(cancellationToken);
            return problem?.Detail ?? string.Empty;
        }
        catch (System.Text.Json.JsonException)
        {
            return string.Empty;
        }
    }

    private sealed record ProblemBody(string? Detail);
}
