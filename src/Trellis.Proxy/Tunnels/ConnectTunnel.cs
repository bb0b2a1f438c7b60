using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Trellis.Proxy.Authorization;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Outbound;
using Trellis.Proxy.Outbound.Concrete;
using Trellis.Proxy.Outbound.Endpoint;
using Trellis.Proxy.Outbound.Logical;
using Trellis.Proxy.Routing;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.Tunnels;

/// <summary>HTTP/1.1 CONNECT, handled per connection before Kestrel's HTTP parser (Kestrel cannot tunnel).
/// The CONNECT is routed like a request: virtual host by its authority, then the first connect_matcher
/// route. Its route either terminates it into an internal listener (the tunnelled bytes are served as
/// HTTP there, so each request inside is routed on its own), terminates it onto an upstream socket (raw
/// bytes), or forwards it upstream as a CONNECT of its own, which the destination's sidecar answers.</summary>
internal sealed class ConnectTunnel(SnapshotHolder snapshots, OwnIdentity own, EndpointDialer dialer, CompletionObservers completions)
{
    private static readonly byte[] Method = "CONNECT "u8.ToArray();
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade",
    };

    /// <summary>Connection middleware for a listener; <paramref name="listenerName"/> gives its current name.</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> Middleware(Func<string> listenerName) => next => async connection =>
    {
        bool isConnect;
        Http1Head? head = null;
        string? error = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timeout.CancelAfter(HeadTimeout);
            try
            {
                isConnect = await StartsWithConnectAsync(connection.Transport.Input, timeout.Token);
                if (isConnect) (head, error) = await Http1Head.ReadAsync(connection.Transport.Input, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                connection.Abort();
                return;
            }
        }
        if (!isConnect)
        {
            await next(connection);
            return;
        }
        if (await HandleAsync(connection, listenerName(), head, error) is { } internalListener)
        {
            connection.Features.Set(new TunnelledListenerFeature(internalListener));
            await next(connection);
        }
    };

    private static async Task<bool> StartsWithConnectAsync(PipeReader input, CancellationToken ct)
    {
        while (true)
        {
            var result = await input.ReadAsync(ct);
            var buffer = result.Buffer;
            var length = (int)Math.Min(buffer.Length, Method.Length);
            var matchesSoFar = StartsWithMethod(buffer.Slice(0, length));
            if (!matchesSoFar || length == Method.Length || result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start);
                return matchesSoFar && length == Method.Length;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool StartsWithMethod(ReadOnlySequence<byte> start)
    {
        Span<byte> head = stackalloc byte[Method.Length];
        start.CopyTo(head);
        return head[..(int)start.Length].SequenceEqual(Method.AsSpan(0, (int)start.Length));
    }

    /// <summary>Answers the CONNECT; returns the internal listener that serves the rest of the connection, or null when it is done.</summary>
    private async Task<string?> HandleAsync(ConnectionContext connection, string listenerName, Http1Head? head, string? error)
    {
        var output = connection.Transport.Output;
        var snapshot = snapshots.Current;
        if (!SelectedFilterChain.TryResolve(snapshot, listenerName, connection.Features, out var listener, out var chain, out var draining))
        {
            await WriteRejectionAsync(output, 503, draining, null);
            return null;
        }
        var target = head is null ? null : ConnectTarget.Parse(head.StartLine, out error);
        if (head is null || target is null)
        {
            // The parser's message quotes the client's bytes: useful to an app, not something a gateway echoes to outside clients.
            await WriteRejectionAsync(output, 400, chain.Hcm.SuppressEnvoyHeaders ? null : $"listener {listenerName}: malformed CONNECT request: {error}", null);
            return null;
        }
        var completion = new TunnelCompletion();
        var context = new RequestContext(ConnectRequest.Create(connection, target, head, completion), snapshot, listener, chain);
        try
        {
            return await RouteAsync(context, target, connection);
        }
        finally
        {
            await completion.CompleteAsync();
            completions.ConnectionCompleted(context, connection);
        }
    }

    private async Task<string?> RouteAsync(RequestContext context, ConnectTarget target, ConnectionContext connection)
    {
        var hcm = context.Hcm;
        var request = context.Http.Request;
        if (!hcm.AllowsConnect)
            return await RejectAsync(context, connection, 403, ResponseFlags.None, "its connection manager does not accept CONNECT (no \"CONNECT\" upgrade_config)");
        if (context.Chain.NetworkRbac.Count > 0 && !NetworkRbacPolicy.AdmitAll(context.Chain.NetworkRbac, connection, IPAddress.TryParse(target.Host, out var address) ? address : null,
                target.Port, connection.RemoteEndPoint as IPEndPoint, "", out _, out var decision))
        {
            // Refused before any upstream is dialled; which policy decided goes to the log, not to the client.
            context.Http.Response.StatusCode = 403;
            context.LocalReason = LocalReply.Sanitize($"listener {context.Listener.Name}: rbac_access_denied_matched_policy[{decision.MatchedPolicy ?? "none"}]");
            context.LocalReasonWithheld = true;
            await WriteRejectionAsync(connection.Transport.Output, 403, null, null);
            return null;
        }
        if (context.IsInbound) context.Peer = PeerMetadata.TakeFrom(request.Headers);
        context.Routes = hcm.RoutesIn(context.Snapshot);
        if (context.Routes is null)
            return await RejectAsync(context, connection, 404, ResponseFlags.NoRoute, $"route configuration \"{hcm.RdsName}\" has not been received from the control plane");
        var vhost = context.VirtualHost = context.Routes.SelectVirtualHost(target.Authority);
        if (vhost is null)
            return await RejectAsync(context, connection, 404, ResponseFlags.NoRoute, $"route configuration {context.Routes.Name} has no virtual host for CONNECT {target.Authority}");
        var route = context.Route = vhost.Match(request);
        if (route is null)
            return await RejectAsync(context, connection, 404, ResponseFlags.NoRoute, $"no connect_matcher route of virtual host {vhost.Name} matched CONNECT {target.Authority}");
        return route.Action switch
        {
            ForwardAction { Connect: not ConnectUpgrade.Disabled } forward => await TunnelAsync(context, forward, target, connection),
            DirectResponseModel direct => await AnswerDirectlyAsync(context, connection, direct),
            _ => await RejectAsync(context, connection, 403, ResponseFlags.None, $"route {route.DisplayName} does not allow CONNECT"),
        };
    }

    private async Task<string?> TunnelAsync(RequestContext context, ForwardAction action, ConnectTarget target, ConnectionContext connection)
    {
        var route = context.Route!;
        var backend = LogicalBackend.Resolve(context, action);
        if (backend.Cluster is not { } cluster) return await RefuseAsync(context, connection, backend.Refusal!);
        var named = cluster.IsOriginalDestination ? new EndpointModel(target.Host, target.Port, true, 1, null) : null;
        if (EndpointPicker.Pick(context, cluster, cluster.IsOriginalDestination ? null : backend.Hash(context), named, out var unhealthy) is not { } endpoint)
            return await RefuseAsync(context, connection, unhealthy!);
        context.Endpoint = endpoint;
        var terminate = action.Connect == ConnectUpgrade.Terminate;
        if (endpoint.InternalListener is { } name)
        {
            if (!terminate || !context.Snapshot.Listeners.TryGetValue(name, out var inner) || !inner.IsInternal)
                return await RejectAsync(context, connection, 503, ResponseFlags.UpstreamConnectionFailure,
                    $"route {route.DisplayName}: cluster {cluster.Model.Name} leads to internal listener \"{name}\", which " +
                    (terminate ? "is not configured" : "only takes terminated tunnels (connect_config)"));
            await WriteEstablishedAsync(connection.Transport.Output);
            return name;
        }

        // Only a dialed connection holds one of max_connections; an internal listener's requests are admitted one by one on the HTTP path.
        if (ClusterAdmission.AdmitConnection(context, cluster) is { } overflow) return await RefuseAsync(context, connection, overflow);
        try
        {
            return await DialAndPumpAsync(context, backend.Choice, cluster, endpoint, target, connection, terminate, action);
        }
        finally
        {
            cluster.Breaker.CloseConnection();
        }
    }

    /// <summary>Dials the endpoint, tells outlier detection how the connect went (as Envoy's tcp_proxy reports
    /// local-origin connect failures and timeouts, which count as gateway failures), then moves the bytes.</summary>
    private async Task<string?> DialAndPumpAsync(RequestContext context, ClusterChoice choice, ClusterState cluster, EndpointModel endpoint,
        ConnectTarget target, ConnectionContext connection, bool terminate, ForwardAction action)
    {
        var route = context.Route!;
        UpstreamConnection upstream;
        try
        {
            upstream = await dialer.DialAsync(endpoint, cluster.Model, connection.ConnectionClosed);
        }
        catch (ReservedDestinationException e)
        {
            return await RejectAsync(context, connection, 403, ResponseFlags.None, $"route {route.DisplayName}: cluster {cluster.Model.Name}: {e.Message}");
        }
        catch (Exception e) when (e is SocketException or SelfConnectionException or OperationCanceledException)
        {
            if (connection.ConnectionClosed.IsCancellationRequested) return ClientWentAway(context);
            var failure = context.UpstreamTransportFailureReason = e is OperationCanceledException ? "connect timeout" : e.Message;
            // Envoy maps a local-origin connect failure to 503 and a connect timeout to 504 for outlier detection.
            if (e is not SelfConnectionException) cluster.Report(endpoint, e is OperationCanceledException ? 504 : 503);
            return await RejectAsync(context, connection, 503, ResponseFlags.UpstreamConnectionFailure,
                $"route {route.DisplayName}: cluster {cluster.Model.Name} endpoint {endpoint.Authority} failed: {failure}");
        }
        // A connection that succeeded is all tcp_proxy reports as success (Envoy's LocalOriginConnectSuccessFinal, 200).
        cluster.Report(endpoint, 200);
        await using (upstream)
        {
            var upstreamIn = PipeReader.Create(upstream.Stream, new StreamPipeReaderOptions(leaveOpen: true));
            if (terminate)
            {
                await WriteEstablishedAsync(connection.Transport.Output);
            }
            else if (await ForwardConnectAsync(context, choice, target, upstream.Stream, upstreamIn, connection) is false)
            {
                return null;
            }
            var pump = context.Tunnel = new TunnelPump(action.TunnelIdleTimeout ?? TunnelPump.DefaultIdleTimeout) { MaxDuration = action.TunnelMaxDuration };
            completions.ConnectionEstablished(context, connection);
            await pump.RunAsync(connection, upstreamIn, upstream);
            if (pump.MaxDurationReached) context.ResponseFlag = ResponseFlags.DurationTimeout;
            await upstreamIn.CompleteAsync();
        }
        return null;
    }

    /// <summary>Sends the CONNECT on and relays the upstream's answer; false when there was none.</summary>
    private async Task<bool> ForwardConnectAsync(RequestContext context, ClusterChoice choice, ConnectTarget target, Stream upstream, PipeReader upstreamIn, ConnectionContext connection)
    {
        RouterFilter.ApplyRequestHeaders(context, choice);
        PeerMetadata.Stamp(context, own);
        var headers = context.Http.Request.Headers;
        var head = new StringBuilder($"CONNECT {target.Authority} HTTP/1.1\r\nhost: {target.Authority}\r\n");
        foreach (var (name, values) in headers)
        {
            if (HopByHop.Contains(name)) continue;
            foreach (var value in values)
                if (value is not null && Http1Head.IsFieldValue(value)) head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        head.Append("\r\n");
        Http1Head? answer;
        string? error;
        try
        {
            await upstream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), connection.ConnectionClosed);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
            timeout.CancelAfter(HeadTimeout);
            (answer, error) = await Http1Head.ReadAsync(upstreamIn, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            (answer, error) = (null, e is OperationCanceledException ? "no answer in time" : e.Message);
        }
        if (answer is null)
        {
            if (connection.ConnectionClosed.IsCancellationRequested)
            {
                ClientWentAway(context);
                return false;
            }
            await RejectAsync(context, connection, 503, ResponseFlags.UpstreamConnectionTermination,
                $"route {context.Route!.DisplayName}: {context.Endpoint!.Authority} of cluster {context.Cluster!.Model.Name} did not answer the CONNECT: {error}");
            return false;
        }
        // The upstream's answer, success or not, is the client's answer; a refusal's body follows it through the pump.
        var relay = new StringBuilder(answer.StartLine).Append("\r\n");
        foreach (var (name, value) in answer.Headers) relay.Append(name).Append(": ").Append(value).Append("\r\n");
        relay.Append("\r\n");
        await connection.Transport.Output.WriteAsync(Encoding.Latin1.GetBytes(relay.ToString()), connection.ConnectionClosed);
        return true;
    }

    /// <summary>The client hung up before the tunnel was up: Envoy's DC, not a failure of the upstream.</summary>
    private static string? ClientWentAway(RequestContext context)
    {
        context.ResponseFlag = ResponseFlags.DownstreamConnectionTermination;
        return null;
    }

    private static Task<string?> RefuseAsync(RequestContext context, ConnectionContext connection, OutboundRefusal refusal) =>
        RejectAsync(context, connection, refusal.Status, refusal.Flag, refusal.Reason);

    private static async Task<string?> RejectAsync(RequestContext context, ConnectionContext connection, int status, string flag, string reason)
    {
        context.ResponseFlag = flag;
        context.Http.Response.StatusCode = status;
        context.LocalReason = LocalReply.Sanitize($"listener {context.Listener.Name}: {reason}");
        await WriteRejectionAsync(connection.Transport.Output, status, context.Hcm.SuppressEnvoyHeaders ? null : context.LocalReason, null);
        return null;
    }

    /// <summary>A direct_response route: its status, with the response headers the route configuration adds
    /// (such as the outbound policy's x-trellis-reason), and the connection closes.</summary>
    private static async Task<string?> AnswerDirectlyAsync(RequestContext context, ConnectionContext connection, DirectResponseModel direct)
    {
        context.ResponseFlag = ResponseFlags.DirectResponse;
        context.Http.Response.StatusCode = direct.Status;
        var headers = context.Http.Response.Headers;
        RouterFilter.ApplyResponseHeaders(context);
        context.LocalReason = headers.TryGetValue(LocalReply.ReasonHeader, out var given) ? given.ToString() : $"route {context.Route!.DisplayName} answers directly";
        await WriteRejectionAsync(connection.Transport.Output, direct.Status, null, headers);
        return null;
    }

    private static async Task WriteRejectionAsync(PipeWriter output, int status, string? reason, IHeaderDictionary? headers)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {ReasonPhrases.GetReasonPhrase(status)}\r\n");
        if (reason is not null) head.Append(LocalReply.ReasonHeader).Append(": ").Append(LocalReply.Sanitize(reason)).Append("\r\n");
        foreach (var (name, values) in headers ?? EmptyHeaders)
            foreach (var value in values)
                if (value is not null && Http1Head.IsFieldValue(value) && !HopByHop.Contains(name)) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("content-length: 0\r\nconnection: close\r\n\r\n");
        await output.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()));
    }

    private static readonly IHeaderDictionary EmptyHeaders = new HeaderDictionary();

    private static async Task WriteEstablishedAsync(PipeWriter output) => await output.WriteAsync("HTTP/1.1 200 OK\r\n\r\n"u8.ToArray());
}

/// <summary>Marks a connection whose bytes came through a terminated CONNECT: its requests belong to this internal listener.</summary>
internal sealed record TunnelledListenerFeature(string ListenerName);
