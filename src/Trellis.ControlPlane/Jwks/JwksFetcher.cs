using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Trellis.ControlPlane.Jwks;

/// <summary>Fetches the JWKS of every jwksUri (or issuer discovery) that a RequestAuthentication names, as istiod does,
/// so proxies get the keys inline and never reach out themselves. Fetches run off the push path with a timeout and a
/// size cap; a good JWKS is refreshed periodically and kept through failed refreshes; a source that never answered is
/// retried, and meanwhile translation inlines keys that verify nothing (fail closed). Every change raises
/// <see cref="Changed"/> so proxies get the new keys; every failure is logged with its reason.</summary>
internal sealed class JwksFetcher : IJwksLookup, IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly JwksFetcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public JwksFetcher(ILogger<JwksFetcher> logger) : this(new JwksFetcherOptions(), TimeProvider.System, logger, null)
    {
    }

    internal JwksFetcher(JwksFetcherOptions options, TimeProvider time, ILogger logger, HttpMessageHandler? handler)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { MaxAutomaticRedirections = 3, ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Raised after a source's keys or error changed.</summary>
    public event Action? Changed;

    public JwksState Lookup(JwksSource source) => _entries.TryGetValue(source.Key, out var entry) ? entry.State : JwksState.Pending;

    /// <summary>The sources the current config names: new ones are fetched now, ones no longer named are forgotten.</summary>
    public void Want(IReadOnlyCollection<JwksSource> sources)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            keys.Add(source.Key);
            var entry = _entries.GetOrAdd(source.Key, _ => new Entry(source));
            entry.Source = source;
            if (entry.State == JwksState.Pending) _ = FetchAsync(entry);
        }
        foreach (var key in _entries.Keys)
            if (!keys.Contains(key)) _entries.TryRemove(key, out _);
    }

    private async Task LoopAsync()
    {
        var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(20).Ticks, Math.Min(_options.RetryInterval.Ticks, TimeSpan.TicksPerSecond) / 2));
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(tick, _time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var now = _time.GetUtcNow();
            foreach (var entry in _entries.Values)
                if (entry.Due(now)) _ = FetchAsync(entry);
        }
    }

    private async Task FetchAsync(Entry entry)
    {
        if (Interlocked.Exchange(ref entry.Fetching, 1) == 1) return;
        try
        {
            var source = entry.Source;
            var (jwks, error) = await FetchOnceAsync(source);
            var before = entry.State;
            if (jwks is not null)
            {
                entry.Next(_time.GetUtcNow() + _options.RefreshInterval);
                entry.State = new JwksState(jwks, null);
                if (before.Jwks == jwks) return;
                _logger.LogInformation("JWKS for issuer {Issuer} fetched from {Uri}", source.Issuer, source.Key);
            }
            else
            {
                entry.Next(_time.GetUtcNow() + _options.RetryInterval);
                if (before.Jwks is not null)
                {
                    _logger.LogWarning("refreshing the JWKS of issuer {Issuer} from {Uri} failed ({Error}); keeping the keys fetched before", source.Issuer, source.Key, error);
                    return;
                }
                entry.State = new JwksState(null, error);
                _logger.LogWarning("JWKS for issuer {Issuer} cannot be fetched from {Uri}: {Error}; its tokens are refused until it can", source.Issuer, source.Key, error);
                if (before.Error == error) return;
            }
            Changed?.Invoke();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            entry.Next(_time.GetUtcNow() + _options.RetryInterval);
            _logger.LogError(e, "fetching the JWKS at {Uri} failed unexpectedly", entry.Source.Key);
        }
        finally
        {
            Volatile.Write(ref entry.Fetching, 0);
        }
    }

    private async Task<(string? Jwks, string? Error)> FetchOnceAsync(JwksSource source)
    {
        var uri = source.JwksUri;
        if (uri is null)
        {
            var (discovery, discoveryError) = await GetAsync(source.Key, source.Timeout);
            if (discovery is null) return (null, $"OpenID discovery: {discoveryError}");
            uri = JwksDocument.JwksUriOf(discovery);
            if (uri is null || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
                return (null, "OpenID discovery: the document has no http(s) jwks_uri");
        }
        var (jwks, error) = await GetAsync(uri, source.Timeout);
        if (jwks is null) return (null, error);
        return JwksDocument.Problem(jwks) is { } problem ? (null, problem) : (jwks, null);
    }

    private async Task<(string? Body, string? Error)> GetAsync(string uri, TimeSpan timeout)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cancel.CancelAfter(timeout);
        try
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            if (!response.IsSuccessStatusCode) return (null, $"HTTP {(int)response.StatusCode} from {uri}");
            if (response.Content.Headers.ContentLength > _options.MaxBytes) return (null, $"the response is over {_options.MaxBytes} bytes");
            await using var body = await response.Content.ReadAsStreamAsync(cancel.Token);
            var buffer = new byte[_options.MaxBytes + 1];
            var read = 0;
            while (read < buffer.Length && await body.ReadAsync(buffer.AsMemory(read), cancel.Token) is var n and > 0) read += n;
            if (read > _options.MaxBytes) return (null, $"the response is over {_options.MaxBytes} bytes");
            return (Encoding.UTF8.GetString(buffer, 0, read), null);
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            return (null, $"no answer from {uri} within {timeout.TotalSeconds:0.###}s");
        }
        catch (HttpRequestException e)
        {
            return (null, $"{uri}: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _http.Dispose();
        _stop.Dispose();
    }

    private sealed class Entry(JwksSource source)
    {
        public JwksSource Source { get; set; } = source;
        public volatile JwksState State = JwksState.Pending;
        public int Fetching;
        private long _nextAttemptTicks = long.MaxValue;

        public void Next(DateTimeOffset at) => Interlocked.Exchange(ref _nextAttemptTicks, at.UtcTicks);

        public bool Due(DateTimeOffset now) => now.UtcTicks >= Interlocked.Read(ref _nextAttemptTicks);
    }
}
