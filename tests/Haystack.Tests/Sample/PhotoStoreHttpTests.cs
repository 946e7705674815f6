using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PhotoStore;

namespace Haystack.Tests.Sample;

/// <summary>
/// The PhotoStore sample's HTTP front over real loopback sockets: the whole cluster (Directory of three, three Stores, a Cache)
/// runs in this process with its files in a temporary folder. Timeouts only guard against hangs; nothing here times anything.
/// </summary>
[NonParallelizable]
public sealed class PhotoStoreHttpTests
{
    private const int MaxUploadBytes = 64 * 1024;
    private DirectoryInfo _folder = null!;
    private LocalCluster _cluster = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _folder = System.IO.Directory.CreateTempSubdirectory("photostore-tests-");
        _cluster = await LocalCluster.StartAsync(_folder.FullName, NullLoggerFactory.Instance, MaxUploadBytes);
        await _cluster.Front.WaitUntilWritableAsync(TimeSpan.FromSeconds(120));
        _app = await HttpFront.StartAsync(new PhotoApi(_cluster.Front), "127.0.0.1:0", LogLevel.Warning);
        _http = new HttpClient { BaseAddress = HttpFront.BaseAddress(_app), Timeout = TimeSpan.FromSeconds(60) };
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _folder?.Delete(recursive: true);
    }

    private static byte[] Photo(int size, ulong seed)
    {
        var bytes = new byte[size];
        new Cluster.Core.RandomSource(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<UploadResult> UploadAsync(byte[] photo, string query = "")
    {
        using var response = await _http.PostAsync(new Uri("/photos" + query, UriKind.Relative), new ByteArrayContent(photo));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var result = await response.Content.ReadFromJsonAsync<UploadResult>();
        Assert.That(result, Is.Not.Null);
        Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo(result!.Url));
        return result;
    }

    private async Task<(HttpStatusCode Status, byte[] Body, long? Length)> SendAsync(HttpMethod method, string url)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentLength);
    }

    private static string Direct(string url) => string.Concat("/-", url.AsSpan(url.IndexOf('/', 1)));

    [Test]
    public async Task A_photo_uploaded_over_HTTP_reads_back_byte_for_byte_and_is_gone_after_a_delete()
    {
        var photo = Photo(20_000, 1);
        var uploaded = await UploadAsync(photo, "?alternate=3");
        Assert.That(PhotoUrl.Parse(uploaded.Url), Is.EqualTo(new PhotoUrl(new Cluster.Core.NodeId(50), PhotoUrl.Parse(uploaded.Url).Machine, new PhotoLocation(uploaded.Volume, uploaded.Key, 3, Convert.ToUInt64(uploaded.Cookie, 16)))));
        Assert.That(uploaded.Bytes, Is.EqualTo(photo.Length));

        foreach (var url in new[] { uploaded.Url, uploaded.Url, Direct(uploaded.Url) })
        {
            var (status, body, length) = await SendAsync(HttpMethod.Get, url);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), url);
            Assert.That(length, Is.EqualTo(photo.Length), "Content-Length");
            Assert.That(body, Is.EqualTo(photo));
        }

        Assert.That(_cluster.Cache.Count, Is.GreaterThanOrEqualTo(1), "the reads through the Cache left it there");
        Assert.That((await SendAsync(HttpMethod.Delete, uploaded.Url)).Status, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await SendAsync(HttpMethod.Get, uploaded.Url)).Status, Is.EqualTo(HttpStatusCode.NotFound), "not served by the Cache after the delete");
        Assert.That((await SendAsync(HttpMethod.Get, Direct(uploaded.Url))).Status, Is.EqualTo(HttpStatusCode.NotFound), "nor by the Stores");
        Assert.That((await SendAsync(HttpMethod.Delete, uploaded.Url)).Status, Is.EqualTo(HttpStatusCode.NotFound), "a second delete finds nothing");
    }

    [Test]
    public async Task Hostile_requests_get_clear_HTTP_errors()
    {
        var uploaded = await UploadAsync(Photo(3_000, 2));
        var url = uploaded.Url;
        var wrongCookie = url[..^1] + (url[^1] == '0' ? '1' : '0');
        var machine = url.Split('/')[2];
        var cases = new (HttpMethod Method, string Url, HttpStatusCode Expected, string Mentions)[]
        {
            (HttpMethod.Get, wrongCookie, HttpStatusCode.Forbidden, "cookie"),
            (HttpMethod.Delete, wrongCookie, HttpStatusCode.Forbidden, "cookie"),
            (HttpMethod.Get, $"/-/{machine}/4000000,1?0000000000000001", HttpStatusCode.NotFound, "volume 4000000"),
            (HttpMethod.Delete, $"/-/{machine}/4000000,1?0000000000000001", HttpStatusCode.NotFound, "volume 4000000"),
            (HttpMethod.Get, $"/-/{machine}/{uploaded.Volume},{uploaded.Key + 1_000_000}?0000000000000001", HttpStatusCode.NotFound, "No photo"),
            (HttpMethod.Get, "/50/11/three,1?0000000000000001", HttpStatusCode.BadRequest, "logical volume id"),
            (HttpMethod.Get, "/50/11/3,1?zz", HttpStatusCode.BadRequest, "cookie"),
            (HttpMethod.Get, "/50/11/3,1", HttpStatusCode.BadRequest, "'?'"),
            (HttpMethod.Get, "/" + new string('1', 200), HttpStatusCode.BadRequest, "at most"),
            (HttpMethod.Delete, "/nonsense", HttpStatusCode.BadRequest, "Malformed"),
            (HttpMethod.Get, "/7/11/3,1?0000000000000001", HttpStatusCode.NotFound, "Cache n50"),
        };
        foreach (var (method, target, expected, mentions) in cases)
        {
            var (status, body, _) = await SendAsync(method, target);
            Assert.That(status, Is.EqualTo(expected), $"{method} {target}");
            Assert.That(System.Text.Encoding.UTF8.GetString(body), Does.Contain(mentions), $"{method} {target} explains itself");
        }

        Assert.That((await SendAsync(HttpMethod.Get, url)).Status, Is.EqualTo(HttpStatusCode.OK), "a refused delete deleted nothing");
    }

    [Test]
    public async Task Oversized_empty_and_malformed_uploads_are_refused()
    {
        using (var tooLarge = await _http.PostAsync(new Uri("/photos", UriKind.Relative), new ByteArrayContent(new byte[MaxUploadBytes + 1])))
        {
            Assert.That(tooLarge.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(await tooLarge.Content.ReadAsStringAsync(), Does.Contain(MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        // Without a Content-Length the front counts as it reads.
        using (var chunked = new StreamContent(new MemoryStream(new byte[MaxUploadBytes + 4096])))
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/photos", UriKind.Relative)) { Content = chunked })
        {
            request.Headers.TransferEncodingChunked = true;
            using var response = await _http.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        }

        using (var empty = await _http.PostAsync(new Uri("/photos", UriKind.Relative), new ByteArrayContent([])))
        {
            Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        using (var badAlternate = await _http.PostAsync(new Uri("/photos?alternate=-1", UriKind.Relative), new ByteArrayContent([1, 2, 3])))
        {
            Assert.That(badAlternate.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        var exactlyMax = Photo(MaxUploadBytes, 3);
        var uploaded = await UploadAsync(exactlyMax);
        Assert.That((await SendAsync(HttpMethod.Get, uploaded.Url)).Body, Is.EqualTo(exactlyMax), "the limit itself is allowed");
    }

    [Test]
    public async Task The_sample_s_own_self_check_passes()
    {
        using var output = new StringWriter();
        var passed = await SelfCheck.RunAsync(_http, MaxUploadBytes, output, _cluster.Cache);
        Assert.That(passed, Is.True, output.ToString());
    }

    [Test]
    public async Task Status_lists_the_Directory_s_volumes_and_stores()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, "/status");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var text = System.Text.Encoding.UTF8.GetString(body);
        Assert.That(text, Does.Contain("\"volumes\"").And.Contain("\"stores\"").And.Contain("n11"));
    }
}
