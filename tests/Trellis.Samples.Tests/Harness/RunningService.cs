using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Trellis.Samples.Bookinfo.Hosting;
using Trellis.Samples.Bookinfo.Http;

namespace Trellis.Samples.Tests.Harness;

/// <summary>One Bookinfo service started in-process on 127.0.0.1 with a free port, configured by environment-style
/// variables (backends wired directly with *_HOSTNAME / *_SERVICE_PORT, as Istio's services allow).</summary>
internal sealed class RunningService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningService(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public Uri Url { get; }

    /// <summary>A client for this service that keeps cookies and redirects in the test's hands.</summary>
    public HttpClient Client { get; }

    public static async Task<RunningService> StartAsync(BookinfoService service, IReadOnlyDictionary<string, string>? env = null)
    {
        var variables = new Dictionary<string, string>(env ?? new Dictionary<string, string>()) { ["PORT"] = "0" };
        var settings = BookinfoSettings.FromEnvironment(name => variables.GetValueOrDefault(name));
        var app = BookinfoApp.Build(service, settings, BackendClient.CreateDefault(useProxy: false));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningService(app, new Uri(address + "/"));
    }

    /// <summary>Variables that point a service's backend at <paramref name="url"/> ("DETAILS", "REVIEWS" or "RATINGS").</summary>
    public static IEnumerable<KeyValuePair<string, string>> Backend(string service, Uri url) =>
    [
        new($"{service}_HOSTNAME", url.Host),
        new($"{service}_SERVICE_PORT", url.Port.ToString()),
    ];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
