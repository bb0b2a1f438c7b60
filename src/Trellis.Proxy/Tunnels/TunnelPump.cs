using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Trellis.Proxy.Outbound.Endpoint;

namespace Trellis.Proxy.Tunnels;

/// <summary>Moves a tunnel's bytes both ways between the downstream connection and the upstream socket.
/// A downstream half-close is passed on (the upstream may still answer); when the upstream finishes,
/// the tunnel ends, since the downstream side has no way to half-close through Kestrel. A tunnel that
/// moves nothing for the idle timeout is closed, as Envoy's tcp_proxy does (1 h by default),
/// so peers that vanished without a FIN do not hold connections forever. A tunnel may also have a maximum duration
/// (tcp_proxy's max_downstream_connection_duration, a CONNECT route's max_stream_duration), after which it is closed
/// whatever it is doing, so long-lived connections are rebalanced.</summary>
internal sealed class TunnelPump
{
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromHours(1);

    /// <summary>An idle_timeout as tcp_proxy and CONNECT routes read it: unset is an hour, 0s disables it
    /// (<see cref="Timeout.InfiniteTimeSpan"/>).</summary>
    public static TimeSpan IdleTimeoutOf(Google.Protobuf.WellKnownTypes.Duration? idle, string where)
    {
        if (idle is null) return DefaultIdleTimeout;
        var span = NonNegative(idle, where, "idle_timeout");
        return span == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : span;
    }

    /// <summary>A maximum connection or stream duration as Envoy reads it: unset or 0s means none.</summary>
    public static TimeSpan? MaxDurationOf(Google.Protobuf.WellKnownTypes.Duration? max, string where, string field)
    {
        if (max is null) return null;
        var span = NonNegative(max, where, field);
        if (span == TimeSpan.Zero) return null;
        // CancellationTokenSource takes at most ~49 days; a longer bound is the same as none for a tunnel.
        return span <= Configuration.Timers.Longest ? span : null;
    }

    private static TimeSpan NonNegative(Google.Protobuf.WellKnownTypes.Duration value, string where, string field)
    {
        if (value.Seconds < 0 || value.Nanos < 0) throw new Configuration.ConfigException($"{where}: {field} must not be negative");
        return value.ToTimeSpan();
    }

    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private long _lastActivity;

    public TunnelPump(TimeSpan idleTimeout, TimeProvider? time = null)
    {
        _idleTimeout = idleTimeout;
        _time = time ?? TimeProvider.System;
        _lastActivity = _time.GetTimestamp();
    }

    private sealed class Flow
    {
        public long Bytes;
    }

    /// <summary>How long the tunnel may live, however busy; null for no bound.</summary>
    public TimeSpan? MaxDuration { get; init; }

    /// <summary>True when the tunnel was closed for reaching <see cref="MaxDuration"/>.</summary>
    public bool MaxDurationReached { get; private set; }

    private readonly Flow _received = new();
    private readonly Flow _sent = new();

    /// <summary>Bytes from the downstream client to the upstream.</summary>
    public long ReceivedBytes => _received.Bytes;

    /// <summary>Bytes from the upstream back to the downstream client.</summary>
    public long SentBytes => _sent.Bytes;

    /// <summary>The local address of the upstream socket (Envoy's %UPSTREAM_LOCAL_ADDRESS%), once the tunnel runs.</summary>
    public System.Net.EndPoint? UpstreamLocalAddress { get; private set; }

    public async Task RunAsync(ConnectionContext downstream, PipeReader upstreamIn, UpstreamConnection upstream)
    {
        // Dual-mode sockets report IPv4 peers as IPv4-mapped IPv6; logs show them as Envoy does, as plain IPv4.
        UpstreamLocalAddress = upstream.Socket.LocalEndPoint is System.Net.IPEndPoint { Address.IsIPv4MappedToIPv6: true } mapped
            ? new System.Net.IPEndPoint(mapped.Address.MapToIPv4(), mapped.Port)
            : upstream.Socket.LocalEndPoint;
        // Not linked to ConnectionClosed: Kestrel signals that on the client's FIN, which is only a half-close here.
        using var stop = MaxDuration is { } max ? new CancellationTokenSource(max, _time) : new CancellationTokenSource();
        var started = _time.GetTimestamp();
        using var done = new CancellationTokenSource();
        var watchdog = CloseWhenIdleAsync(stop, done.Token);
        await Task.WhenAll(
            ToUpstreamAsync(downstream.Transport.Input, upstream.Stream, upstream.Socket, stop),
            ToDownstreamAsync(upstreamIn, downstream.Transport.Output, stop));
        await done.CancelAsync();
        await watchdog;
        MaxDurationReached = !IdledOut && MaxDuration is { } limit && _time.GetElapsedTime(started) >= limit;
    }

    private async Task CloseWhenIdleAsync(CancellationTokenSource stop, CancellationToken done)
    {
        // tcp_proxy's idle_timeout of 0s disables the timeout.
        if (_idleTimeout == Timeout.InfiniteTimeSpan) return;
        var check = TimeSpan.FromTicks(Math.Max(_idleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks));
        using var timer = new PeriodicTimer(check, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(done))
            {
                if (_time.GetElapsedTime(Volatile.Read(ref _lastActivity)) < _idleTimeout) continue;
                IdledOut = true;
                await stop.CancelAsync();
                return;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>True when the tunnel was closed for moving nothing within the idle timeout.</summary>
    public bool IdledOut { get; private set; }

    private async Task ToUpstreamAsync(PipeReader from, Stream to, Socket socket, CancellationTokenSource stop)
    {
        var writer = PipeWriter.Create(to, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            if (await CopyAsync(from, writer, _received, stop.Token))
            {
                socket.Shutdown(SocketShutdown.Send);
                return;
            }
        }
        catch (SocketException)
        {
        }
        finally
        {
            await writer.CompleteAsync();
        }
        await stop.CancelAsync();
    }

    private async Task ToDownstreamAsync(PipeReader from, PipeWriter to, CancellationTokenSource stop)
    {
        await CopyAsync(from, to, _sent, stop.Token);
        await stop.CancelAsync();
    }

    /// <summary>Copies until <paramref name="from"/> ends (true) or either side breaks off (false).</summary>
    private async Task<bool> CopyAsync(PipeReader from, PipeWriter to, Flow flow, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var result = await from.ReadAsync(ct);
                foreach (var segment in result.Buffer)
                {
                    await to.WriteAsync(segment, ct);
                    flow.Bytes += segment.Length;
                    Volatile.Write(ref _lastActivity, _time.GetTimestamp());
                }
                from.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled) return true;
            }
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
            return false;
        }
    }

    private static bool IsConnectionEnd(Exception e) => e is IOException or SocketException or OperationCanceledException or ObjectDisposedException;
}
