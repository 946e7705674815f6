using System.Buffers;
using System.Globalization;
using Cluster.Core;
using Haystack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PhotoStore;

/// <summary>
/// The HTTP face of the sample, as minimal API endpoints over a <see cref="HaystackClient"/>:
/// <list type="bullet">
/// <item><c>POST /photos[?alternate=N]</c> with the photo as the body: 201 with <see cref="UploadResult"/> as JSON and the URL in <c>Location</c>.</item>
/// <item><c>GET /&lt;cache&gt;/&lt;machine&gt;/&lt;volume&gt;,&lt;key&gt;[_&lt;alternate&gt;]?&lt;cookie&gt;</c>: the bytes.</item>
/// <item><c>DELETE</c> on the same URL: 204.</item>
/// <item><c>GET /status</c>: the Directory's volumes and Stores as JSON.</item>
/// </list>
/// Errors are problem details with a message that says what was wrong: 400 malformed URL or body, 403 wrong cookie, 404 no such
/// photo, volume or Cache, 413 upload too large, 503 no replica could serve or take it.
/// </summary>
public sealed class PhotoApi
{
    private readonly PhotoFront _front;

    /// <summary>Creates the endpoints' handlers over <paramref name="front"/>.</summary>
    public PhotoApi(PhotoFront front)
    {
        _front = front ?? throw new ArgumentNullException(nameof(front));
    }

    /// <summary>The largest upload taken.</summary>
    public int MaxUploadBytes => _front.MaxUploadBytes;

    /// <summary>Maps the endpoints.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        // Cast to Delegate so the handlers' IResult is written to the response (a plain RequestDelegate would drop it).
        routes.MapPost("/photos", (Delegate)UploadAsync);
        routes.MapGet("/status", (Delegate)StatusAsync);

        // Everything else is a photo URL, or a malformed one: the parser, not the router, says which and why.
        routes.MapGet("/{**url}", (Delegate)DownloadAsync);
        routes.MapDelete("/{**url}", (Delegate)DeleteAsync);
    }

    private async Task<IResult> UploadAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > MaxUploadBytes)
        {
            return TooLarge(request.ContentLength.Value);
        }

        uint alternate = 0;
        if (request.Query.TryGetValue("alternate", out var text)
            && !uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out alternate))
        {
            return Problem(StatusCodes.Status400BadRequest, $"'alternate' must be a number from 0 to {uint.MaxValue}; it was '{text}'.");
        }

        ReadOnlyMemory<byte>? body;
        try
        {
            body = await ReadBodyAsync(request, MaxUploadBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null;
        }

        if (body is not { } data)
        {
            return TooLarge(null);
        }

        if (data.Length == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "The body is empty; send the photo's bytes as the body.");
        }

        try
        {
            var photo = await _front.Client.UploadAsync(data, alternate, context.RequestAborted);
            var url = await _front.Client.GetUrlAsync(photo, _front.Cache, context.RequestAborted);
            var result = new UploadResult(photo.VolumeId, photo.Key, photo.AlternateKey, photo.Cookie.ToString("x16", CultureInfo.InvariantCulture), url.ToString(), data.Length);
            return Results.Created(url.ToString(), result);
        }
        catch (ArgumentOutOfRangeException)
        {
            return TooLarge(data.Length);
        }
        catch (Exception exception) when (exception is UploadFailedException or TimeoutException)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, exception.Message);
        }
    }

    private async Task<IResult> DownloadAsync(HttpContext context)
    {
        var (url, problem) = ParseUrl(context);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            var data = await _front.Client.ReadAsync(url, context.RequestAborted);
            return Results.Bytes(data, "application/octet-stream");
        }
        catch (Exception exception) when (Failure(exception, url.Photo) is { } failure)
        {
            return failure;
        }
    }

    private async Task<IResult> DeleteAsync(HttpContext context)
    {
        var (url, problem) = ParseUrl(context);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            return await _front.Client.DeleteAsync(url.Photo, context.RequestAborted)
                ? Results.NoContent()
                : Problem(StatusCodes.Status404NotFound, $"No photo {url.Photo.Key} in volume {url.Photo.VolumeId} (never uploaded, or already deleted).");
        }
        catch (Exception exception) when (Failure(exception, url.Photo) is { } failure)
        {
            return failure;
        }
    }

    private async Task<IResult> StatusAsync(HttpContext context)
    {
        try
        {
            var volumes = await _front.Directory.ListVolumesAsync(context.RequestAborted);
            var stores = await _front.Directory.ListStoresAsync(context.RequestAborted);
            return Results.Json(new
            {
                Stores = stores.Select(s => new { Store = s.Store.ToString(), s.IsAlive, s.IsDown, s.FreeBytes, s.Volumes }),
                Volumes = volumes.Select(v => new
                {
                    v.VolumeId,
                    State = v.State.ToString(),
                    ReadOnlyReason = v.ReadOnlyReason.ToString(),
                    v.FreeBytes,
                    v.UploadsAssigned,
                    Replicas = v.Replicas.Select(r => new
                    {
                        Store = r.Store.ToString(),
                        r.SizeBytes,
                        r.Healthy,
                        r.Corrupt,
                        r.Repairing,
                        RepairSource = r.Repairing ? r.RepairSource.ToString() : null,
                    }),
                }),
            });
        }
        catch (TimeoutException exception)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, exception.Message);
        }
    }

    /// <summary>The photo URL of the request (path and query string), or the 400/404 that explains why it is not one.</summary>
    private (PhotoUrl Url, IResult? Problem) ParseUrl(HttpContext context)
    {
        var text = context.Request.Path.Value + context.Request.QueryString.Value;
        try
        {
            var url = PhotoUrl.Parse(text);
            if (!url.Cache.IsNone && url.Cache != _front.Cache)
            {
                return (url, Problem(StatusCodes.Status404NotFound, $"This front reads through Cache {_front.Cache} (or '-' for none); the URL names {url.Cache}."));
            }

            return (url, null);
        }
        catch (PhotoUrlFormatException exception)
        {
            return (default, Problem(StatusCodes.Status400BadRequest, exception.Message));
        }
    }

    private static IResult? Failure(Exception exception, PhotoLocation photo) => exception switch
    {
        NeedleNotFoundException => Problem(StatusCodes.Status404NotFound, $"No photo {photo.Key} in volume {photo.VolumeId} (never uploaded, or deleted)."),
        CookieMismatchException => Problem(StatusCodes.Status403Forbidden, $"The cookie does not match photo {photo.Key} in volume {photo.VolumeId}."),
        UnknownVolumeException => Problem(StatusCodes.Status404NotFound, $"There is no logical volume {photo.VolumeId}."),
        PhotoUnavailableException or TimeoutException => Problem(StatusCodes.Status503ServiceUnavailable, exception.Message),
        _ => null,
    };

    private IResult TooLarge(long? bytes) => Problem(
        StatusCodes.Status413PayloadTooLarge,
        bytes is { } size ? $"The upload has {size} bytes; this front takes at most {MaxUploadBytes}." : $"The upload is larger than the {MaxUploadBytes} bytes this front takes.");

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);

    /// <summary>Reads the body, or returns null as soon as it proves longer than <paramref name="maxBytes"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is { } length ? (int)Math.Max(1, length) : 64 * 1024);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return null;
            }
        }
    }
}
