using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Envoy.Config.Cluster.V3;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Forwarding;

/// <summary>Issue 7: three bad chunked bodies from a client were answered 503 UF and ejected productpage's only
/// endpoint. As in Envoy, a malformed request is the client's protocol error (400, DPE) and a client that hangs up
/// mid-body is a downstream termination (DC): neither counts against the host, while real upstream failures still do.</summary>
public sealed class DownstreamErrorAttributionTests : IAsyncLifetime
{
    private const string Productpage = "outbound|9080||productpage.bookinfo.svc.cluster.local";
    private TestProxy _proxy = null!;
    private Upstream _app = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _app = await Upstream.StartAsync("productpage", app => app.MapPost("/upload", async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync(ctx.RequestAborted);
            await ctx.Response.WriteAsync($"got {body.Length}");
        }));
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
    }

    private async Task PushAsync(params int[] endpointPorts)
    {
        var cluster = Eds(Productpage, serviceHost: "productpage.bookinfo.svc.cluster.local");
        cluster.OutlierDetection = new OutlierDetection
        {
            Consecutive5Xx = 3,
            EnforcingConsecutive5Xx = 100,
            Interval = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)),
            BaseEjectionTime = Duration.FromTimeSpan(TimeSpan.FromMinutes(3)),
            MaxEjectionPercent = 100,
        };
        cluster.CommonLbConfig = new Cluster.Types.CommonLbConfig { HealthyPanicThreshold = new global::Envoy.Type.V3.Percent { Value = 0 } };
        await _proxy.PushAsync([cluster], [Endpoints(Productpage, endpointPorts)], [Listener("virtualOutbound", _port, "outbound")],
            [Routes("outbound", Host("productpage", ["productpage:9080"], ToCluster(Productpage)))]);
    }

    /// <summary>The endpoints the admin page shows as ejected, as Envoy's /clusters flags them.</summary>
    private async Task<string[]> EjectedAsync() => (await _proxy.Admin.GetStringAsync("/clusters")).Split('\n')
        .Where(l => l.StartsWith(Productpage + "::", StringComparison.Ordinal) && l.EndsWith("::health_flags::/failed_outlier_check", StringComparison.Ordinal))
        .ToArray();

    [Fact]
    public async Task A_hundred_malformed_or_abandoned_requests_eject_nothing()
    {
        await PushAsync(_app.Port);

        for (var i = 0; i < 40; i++)
            Assert.StartsWith("HTTP/1.1 400 ", await SendRawAsync($"{Head("Transfer-Encoding: chunked")}zz\r\nhello\r\n0\r\n\r\n"));
        for (var i = 0; i < 20; i++)
            Assert.StartsWith("HTTP/1.1 400 ", await SendRawAsync($"{Head("Transfer-Encoding: chunked")}5\r\nhelloXX\r\n0\r\n\r\n"));
        for (var i = 0; i < 20; i++) await AbandonAsync(Head("Content-Length: 1000") + "only part of it", reset: i % 2 == 0);
        for (var i = 0; i < 20; i++) await AbandonAsync(Head("Transfer-Encoding: chunked") + "400\r\nonly part of it", reset: i % 2 == 0);

        Assert.Empty(await EjectedAsync());
        using var client = TestProxy.ClientVia(_port);
        using var ok = await client.PostAsync("http://productpage:9080/upload", new StringContent("fine"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("got 4", await ok.Content.ReadAsStringAsync());

        var flags = await WaitForFlagsAsync(total: 101);
        // A body cut short by a FIN is DC when Kestrel saw the connection end first, DPE when it saw the short body first.
        Assert.InRange(flags.GetValueOrDefault("DPE"), 60, 80);
        Assert.True(100 == flags.GetValueOrDefault("DPE") + flags.GetValueOrDefault("DC"), string.Join(", ", flags));
        Assert.Equal(1, flags.GetValueOrDefault("-"));
    }

    [Fact]
    public async Task A_malformed_body_is_answered_400_with_the_reason_and_the_connection_closed()
    {
        await PushAsync(_app.Port);

        var response = await SendRawAsync($"{Head("Transfer-Encoding: chunked")}zz\r\nhello\r\n0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400 ", response);
        Assert.Contains("x-trellis-reason: listener virtualOutbound: route ", response);
        Assert.Contains("the client's request is malformed", response);
        Assert.Contains("Connection: close", response, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("Bad Request", response);
    }

    [Fact]
    public async Task An_endpoint_that_refuses_connections_is_still_ejected()
    {
        var closed = Ports.Free();
        await PushAsync(closed);
        using var client = TestProxy.ClientVia(_port);

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("http://productpage:9080/");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        Assert.Single(await EjectedAsync());
        using var after = await client.GetAsync("http://productpage:9080/");
        Assert.Equal("no healthy upstream", await after.Content.ReadAsStringAsync());
    }

    private static string Head(string framing) => $"POST /upload HTTP/1.1\r\nHost: productpage:9080\r\n{framing}\r\n\r\n";

    /// <summary>Sends the bytes, stops sending and reads whatever the proxy answers until it closes.</summary>
    private async Task<string> SendRawAsync(string request)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        using var stream = new NetworkStream(socket);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync(timeout.Token);
    }

    /// <summary>Sends part of a request and hangs up, with a FIN or (<paramref name="reset"/>) a RST.</summary>
    private async Task AbandonAsync(string partialRequest, bool reset)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _port);
        var seen = _app.Requests;
        await socket.SendAsync(Encoding.ASCII.GetBytes(partialRequest));
        // The client leaves once the upstream exchange is under way, as a client that dies mid-upload does.
        for (var i = 0; i < 500 && Volatile.Read(ref _app.Requests) == seen; i++) await Task.Delay(10);
        if (reset) socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }

    /// <summary>The response flags of the requests counted so far, once <paramref name="total"/> are.</summary>
    private async Task<Dictionary<string, long>> WaitForFlagsAsync(int total)
    {
        for (var attempt = 0; ; attempt++)
        {
            var flags = new Dictionary<string, long>();
            foreach (var line in (await _proxy.Admin.GetStringAsync("/stats/prometheus")).Split('\n'))
            {
                if (!line.StartsWith("istio_requests_total{", StringComparison.Ordinal)) continue;
                var at = line.IndexOf("response_flags=\"", StringComparison.Ordinal) + "response_flags=\"".Length;
                var flag = line[at..line.IndexOf('"', at)];
                flags[flag] = flags.GetValueOrDefault(flag) + long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
            if (flags.Values.Sum() >= total || attempt == 50) return flags;
            await Task.Delay(100);
        }
    }
}
