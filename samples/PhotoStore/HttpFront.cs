using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PhotoStore;

/// <summary>Hosts a <see cref="PhotoApi"/> on Kestrel (ASP.NET Core minimal APIs) at a loopback address.</summary>
public static class HttpFront
{
    /// <summary>Where <c>--serve</c> listens unless told otherwise.</summary>
    public const string DefaultListen = "127.0.0.1:5080";

    /// <summary>Starts serving <paramref name="api"/> at <paramref name="listen"/> (<c>127.0.0.1:port</c>; port 0 picks a free one).</summary>
    /// <exception cref="FormatException"><paramref name="listen"/> is not a 127.0.0.1 address with a port.</exception>
    public static async Task<WebApplication> StartAsync(PhotoApi api, string listen, LogLevel logLevel = LogLevel.Warning)
    {
        ArgumentNullException.ThrowIfNull(api);
        if (!IPEndPoint.TryParse(listen, out var endPoint) || !endPoint.Address.Equals(IPAddress.Loopback))
        {
            throw new FormatException($"'{listen}' is not 127.0.0.1:port; the sample serves HTTP on loopback only.");
        }

        // No command line arguments reach the host's configuration: the sample's own flags are not ASP.NET Core settings.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(endPoint);

            // Kestrel refuses longer bodies too, so a client that lies about (or omits) its length still cannot send more.
            kestrel.Limits.MaxRequestBodySize = api.MaxUploadBytes + 1L;
        });
        var app = builder.Build();
        api.Map(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>The address the front listens at, with the port the system picked.</summary>
    public static Uri BaseAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }
}
