using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trellis.ControlPlane.Jwks;

namespace Trellis.ControlPlane.Tests.Jwks;

/// <summary>The control plane fetches JWKS as istiod does, here from a loopback server the test runs: good keys are
/// served inline, a slow, failing, garbled or oversized endpoint leaves the source without keys (so its tokens are
/// refused) and says why, refreshes pick up rotated keys, and a failed refresh keeps the keys fetched before.</summary>
public sealed class JwksFetcherTests : IAsyncLifetime
{
    private const string KeysA = """{"keys":[{"kty":"RSA","kid":"a","e":"AQAB","n":"sXch"}]}""";
    private const string KeysB = """{"keys":[{"kty":"EC","kid":"b","crv":"P-256","x":"AA","y":"AA"}]}""";

    private WebApplication _app = null!;
    private string _base = null!;
    private volatile Func<HttpContext, Task> _handler = c => c.Response.WriteAsync(KeysA);
    private int _requests;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(context =>
        {
            Interlocked.Increment(ref _requests);
            return _handler(context);
        });
        await _app.StartAsync();
        _base = _app.Urls.First();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static JwksFetcher Fetcher(TimeSpan? refresh = null, TimeSpan? retry = null, int maxBytes = 512 * 1024) =>
        new(new JwksFetcherOptions { RefreshInterval = refresh ?? TimeSpan.FromMinutes(20), RetryInterval = retry ?? TimeSpan.FromMinutes(1), MaxBytes = maxBytes },
            TimeProvider.System, NullLogger.Instance, new SocketsHttpHandler { UseProxy = false });

    private JwksSource Source(TimeSpan? timeout = null) => new($"{_base}/keys", "issuer", timeout ?? TimeSpan.FromSeconds(5));

    private static async Task<JwksState> SettledAsync(JwksFetcher fetcher, JwksSource source, Func<JwksState, bool>? until = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var state = fetcher.Lookup(source);
            if (state != JwksState.Pending && (until is null || until(state))) return state;
            await Task.Delay(20);
        }
        return fetcher.Lookup(source);
    }

    [Fact]
    public async Task A_good_jwks_is_fetched_and_announced()
    {
        await using var fetcher = Fetcher();
        var changed = 0;
        fetcher.Changed += () => Interlocked.Increment(ref changed);

        fetcher.Want([Source()]);
        var state = await SettledAsync(fetcher, Source());

        Assert.Equal(KeysA, state.Jwks);
        Assert.Null(state.Error);
        Assert.Equal(1, changed);
    }

    [Fact]
    public async Task A_slow_endpoint_times_out_with_the_reason()
    {
        _handler = async c =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), c.RequestAborted);
            await c.Response.WriteAsync(KeysA);
        };
        await using var fetcher = Fetcher();
        var source = Source(TimeSpan.FromMilliseconds(200));

        fetcher.Want([source]);
        var state = await SettledAsync(fetcher, source);

        Assert.Null(state.Jwks);
        Assert.Contains("within 0.2s", state.Error);
    }

    [Theory]
    [InlineData(500, "Internal error", "HTTP 500")]
    [InlineData(200, "<html>not keys</html>", "not JSON")]
    [InlineData(200, "{\"keys\":[]}", "no keys")]
    [InlineData(200, "{\"issuer\":\"x\"}", "no \"keys\" array")]
    public async Task A_failing_or_garbled_endpoint_leaves_the_source_without_keys(int status, string body, string reason)
    {
        _handler = c =>
        {
            c.Response.StatusCode = status;
            return c.Response.WriteAsync(body);
        };
        await using var fetcher = Fetcher();

        fetcher.Want([Source()]);
        var state = await SettledAsync(fetcher, Source());

        Assert.Null(state.Jwks);
        Assert.Contains(reason, state.Error);
    }

    [Fact]
    public async Task An_oversized_response_is_refused()
    {
        _handler = c => c.Response.WriteAsync(KeysA + new string(' ', 4096));
        await using var fetcher = Fetcher(maxBytes: 1024);

        fetcher.Want([Source()]);
        var state = await SettledAsync(fetcher, Source());

        Assert.Contains("over 1024 bytes", state.Error);
    }

    [Fact]
    public async Task A_refresh_picks_up_rotated_keys_and_announces_them()
    {
        await using var fetcher = Fetcher(refresh: TimeSpan.FromMilliseconds(100));
        var changed = 0;
        fetcher.Changed += () => Interlocked.Increment(ref changed);
        fetcher.Want([Source()]);
        Assert.Equal(KeysA, (await SettledAsync(fetcher, Source())).Jwks);

        _handler = c => c.Response.WriteAsync(KeysB);
        var state = await SettledAsync(fetcher, Source(), s => s.Jwks == KeysB);

        Assert.Equal(KeysB, state.Jwks);
        Assert.Equal(2, changed);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_keys_fetched_before()
    {
        await using var fetcher = Fetcher(refresh: TimeSpan.FromMilliseconds(50), retry: TimeSpan.FromMilliseconds(50));
        fetcher.Want([Source()]);
        Assert.Equal(KeysA, (await SettledAsync(fetcher, Source())).Jwks);

        _handler = c =>
        {
            c.Response.StatusCode = 503;
            return Task.CompletedTask;
        };
        var before = Volatile.Read(ref _requests);
        while (Volatile.Read(ref _requests) < before + 3) await Task.Delay(20);

        Assert.Equal(KeysA, fetcher.Lookup(Source()).Jwks);
    }

    [Fact]
    public async Task A_source_that_failed_is_retried_until_it_answers()
    {
        _handler = c =>
        {
            c.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        await using var fetcher = Fetcher(retry: TimeSpan.FromMilliseconds(50));
        fetcher.Want([Source()]);
        Assert.NotNull((await SettledAsync(fetcher, Source())).Error);

        _handler = c => c.Response.WriteAsync(KeysA);
        var state = await SettledAsync(fetcher, Source(), s => s.Jwks is not null);

        Assert.Equal(KeysA, state.Jwks);
    }

    [Fact]
    public async Task An_issuer_alone_finds_its_keys_through_openid_discovery()
    {
        _handler = c => c.Request.Path == "/.well-known/openid-configuration"
            ? c.Response.WriteAsync($$"""{"issuer":"{{_base}}","jwks_uri":"{{_base}}/discovered-keys"}""")
            : c.Request.Path == "/discovered-keys" ? c.Response.WriteAsync(KeysB) : Task.CompletedTask;
        await using var fetcher = Fetcher();
        var source = new JwksSource(null, _base, TimeSpan.FromSeconds(5));

        fetcher.Want([source]);
        var state = await SettledAsync(fetcher, source);

        Assert.Equal(KeysB, state.Jwks);
    }

    [Fact]
    public async Task A_source_no_longer_named_is_forgotten()
    {
        await using var fetcher = Fetcher();
        fetcher.Want([Source()]);
        await SettledAsync(fetcher, Source());

        fetcher.Want([]);

        Assert.Same(JwksState.Pending, fetcher.Lookup(Source()));
    }
}
