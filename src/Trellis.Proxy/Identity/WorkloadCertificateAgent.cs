using Grpc.Core;
using Grpc.Net.Client;
using Istio.V1.Auth;
using Microsoft.Extensions.Logging;
using Trellis.Proxy.Secrets;

namespace Trellis.Proxy.Identity;

/// <summary>The proxy's part of Istio's agent: with the pod token it obtains a certificate for its own key from the
/// control plane's CA, publishes it as <c>default</c> and the root as <c>ROOTCA</c>, and renews it at about half its
/// life (with jitter, so a mesh's proxies do not renew at once). A failed attempt is retried with back-off while the
/// current certificate keeps serving until it expires.</summary>
internal sealed class WorkloadCertificateAgent : IAsyncDisposable
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private readonly GrpcChannel _channel;
    private readonly Func<string> _token;
    private readonly SecretStore _secrets;
    private readonly TimeSpan _requestedTtl;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stop = new();
    private CertificateAgentStatus _status = CertificateAgentStatus.Initial;
    private Task? _loop;

    /// <param name="caServer">The control plane's gRPC address serving IstioCertificateService.</param>
    /// <param name="token">Reads the current pod token (it is refreshed on disk); throws when it cannot.</param>
    /// <param name="requestedTtl">The lifetime to ask for (Istio's SECRET_TTL); the CA may shorten it.</param>
    public WorkloadCertificateAgent(Uri caServer, Func<string> token, SecretStore secrets, TimeSpan requestedTtl, ILogger logger, TimeProvider? clock = null)
    {
        _channel = GrpcChannel.ForAddress(caServer, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = false },
        });
        _token = token;
        _secrets = secrets;
        _requestedTtl = requestedTtl;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
    }

    public CertificateAgentStatus Status => Volatile.Read(ref _status);

    /// <summary>True while a certificate that has not expired is published.</summary>
    public bool HasCertificate => Status.NotAfter is { } notAfter && notAfter > _clock.GetUtcNow();

    public void Start() => _loop ??= Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        var backoff = MinBackoff;
        while (!_stop.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var issued = await RequestAsync(_stop.Token);
                _secrets.Set(IssuedCertificate.DefaultSecret, issued.Certificate);
                _secrets.Set(IssuedCertificate.RootSecret, issued.Roots);
                var now = _clock.GetUtcNow();
                var notAfter = new DateTimeOffset(issued.Certificate.Leaf.NotAfter.ToUniversalTime());
                wait = RotationDelay(now, notAfter);
                Volatile.Write(ref _status, new CertificateAgentStatus(issued.SpiffeId, notAfter, now + wait, null));
                _logger.LogInformation("workload certificate for {Identity} valid until {NotAfter:u}; renewing in {Wait}", issued.SpiffeId, notAfter, wait);
                backoff = MinBackoff;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is RpcException or InvalidDataException or IOException or UnauthorizedAccessException or HttpRequestException)
            {
                var reason = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message;
                Volatile.Write(ref _status, _status with { LastError = reason });
                _logger.LogWarning("cannot obtain the workload certificate ({Reason}); retrying in {Delay} s{Serving}", reason, (int)backoff.TotalSeconds,
                    HasCertificate ? $", the current one serves until {_status.NotAfter:u}" : "");
                wait = backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)(backoff.TotalMilliseconds / 4) + 1));
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
            try
            {
                await Task.Delay(wait, _clock, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>As Istio's agent: renew when about half the remaining life is gone (SECRET_GRACE_PERIOD_RATIO 0.5),
    /// with up to 5% jitter either way.</summary>
    internal static TimeSpan RotationDelay(DateTimeOffset now, DateTimeOffset notAfter)
    {
        var life = notAfter - now;
        if (life <= TimeSpan.Zero) return TimeSpan.Zero;
        var ratio = 0.5 + (Random.Shared.NextDouble() - 0.5) * 0.1;
        return life * ratio;
    }

    private async Task<IssuedCertificate> RequestAsync(CancellationToken ct)
    {
        using var csr = WorkloadCsr.Create();
        var client = new IstioCertificateService.IstioCertificateServiceClient(_channel);
        var request = new IstioCertificateRequest { Csr = csr.Pem, ValidityDuration = (long)_requestedTtl.TotalSeconds };
        var headers = new Metadata { { "authorization", "Bearer " + _token() } };
        var response = await client.CreateCertificateAsync(request, headers, _clock.GetUtcNow().UtcDateTime + CallTimeout, ct);
        // The key is copied into the certificate; the CSR's key object can go.
        return IssuedCertificate.From(response.CertChain, csr.Key);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _channel.Dispose();
        _stop.Dispose();
    }
}
