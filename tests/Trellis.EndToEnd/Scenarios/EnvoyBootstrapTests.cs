using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>A user with a standalone Envoy config runs it with `trellis proxy -c envoy.yaml` (or the native `trellis-proxy
/// -c envoy.yaml`), as with `envoy -c`.</summary>
public sealed class EnvoyBootstrapTests : IAsyncLifetime
{
    private static string Seed(string name) => Repo.Path("tests", "Trellis.Proxy.Tests", "Static", "Bootstraps", name);

    private readonly TrellisCli _cli = new(Directory.CreateTempSubdirectory("trellis-envoy-").FullName);
    private readonly List<WebApplication> _apps = [];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>An app on localhost (IPv6 and IPv4, as a name resolves) answering every request with its name.</summary>
    private async Task<int> StartAppAsync(string name)
    {
        var port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port));
        var app = builder.Build();
        app.Run(ctx => ctx.Response.WriteAsync($"{name} {ctx.Request.Path}"));
        await app.StartAsync();
        _apps.Add(app);
        return port;
    }

    /// <summary>`trellis proxy ARGS`, or the native proxy the build puts beside trellis.dll.</summary>
    private ProcessStartInfo Proxy(bool native, params string[] args)
    {
        var start = _cli.StartInfo(["proxy", .. args]);
        if (!native) return start;
        start.FileName = Path.Combine(AppContext.BaseDirectory, "native", "trellis-proxy");
        Assert.True(File.Exists(start.FileName), $"no native proxy at {start.FileName}: it is built where clang is installed");
        start.ArgumentList.Clear();
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_standalone_envoy_yaml_routes_each_api_version_to_its_upstream_once_its_names_resolve(bool native)
    {
        var (v1, v2, listener) = (await StartAppAsync("api-v1"), await StartAppAsync("api-v2"), Ports.Free());
        var config = Path.Combine(_cli.Home, "envoy.yaml");
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(Seed("seed003-02-envoy-bootstrap.yaml")))
            .Replace("port_value: 8080\n    filter_chains", $"port_value: {listener}\n    filter_chains")
            .Replace("address: api-service.production.svc.cluster.local\n                port_value: 8080", $"address: localhost\n                port_value: {v1}")
            .Replace("address: api-v2-service.production.svc.cluster.local\n                port_value: 8080", $"address: localhost\n                port_value: {v2}"));

        using var proxy = Process.Start(Proxy(native, "-c", config))!;
        var output = proxy.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
            var first = await UntilServedAsync(http, $"http://127.0.0.1:{listener}/api/v1/users", proxy);
            var answers = new List<string> { first };
            for (var i = 0; i < 3; i++)
            {
                answers.Add(await http.GetStringAsync($"http://127.0.0.1:{listener}/api/v1/users"));
                answers.Add(await http.GetStringAsync($"http://127.0.0.1:{listener}/api/v2/orders"));
            }

            Assert.Equal(4, answers.Count(a => a == "api-v1 /api/v1/users"));
            Assert.Equal(3, answers.Count(a => a == "api-v2 /api/v2/orders"));
        }
        finally
        {
            proxy.Kill(entireProcessTree: true);
            await proxy.WaitForExitAsync();
            _ = await output;
        }
    }

    /// <summary>The listener is up once the proxy has started; its DNS clusters answer 503 until their names resolve.</summary>
    private static async Task<string> UntilServedAsync(HttpClient http, string url, Process proxy)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (proxy.HasExited) Assert.Fail("trellis proxy exited: " + await proxy.StandardError.ReadToEndAsync());
            try
            {
                using var response = await http.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.OK) return await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{url} was not served within 60 s");
            await Task.Delay(200);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Validate_mode_refuses_the_rate_limit_example_naming_the_unsupported_filter_by_its_path(bool native)
    {
        using var process = Process.Start(Proxy(native, "--mode", "validate", "-c", Seed("seed003-03-envoy-bootstrap.yaml")))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var result = new TrellisCli.Result(process.ExitCode, await stdout, stderr);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config: "
            + "type \"type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit\" is not supported by this proxy", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Validate_mode_accepts_the_standalone_example_as_written()
    {
        var result = await _cli.RunAsync("proxy", "--mode", "validate", "-c", Seed("seed003-02-envoy-bootstrap.yaml"));

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("OK (1 listener(s), 2 cluster(s))", result.Stdout);
    }

    [Fact]
    public async Task Xds_mode_options_and_a_bootstrap_do_not_mix()
    {
        var result = await _cli.RunAsync("proxy", "-c", Seed("seed003-02-envoy-bootstrap.yaml"), "--pod", "p");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--pod: not with --config-path", result.Stderr);
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
    }
}
