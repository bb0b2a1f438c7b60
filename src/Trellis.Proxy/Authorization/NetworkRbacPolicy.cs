using System.Net;
using Microsoft.AspNetCore.Connections;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Security;
using NetworkRbac = Envoy.Extensions.Filters.Network.Rbac.V3.RBAC;

namespace Trellis.Proxy.Authorization;

/// <summary>Envoy's envoy.filters.network.rbac in front of a filter chain's connection manager: evaluated once per
/// connection (and once per CONNECT tunnel, against the tunnel's target) with what L4 knows: addresses, ports, SNI
/// and the peer certificate. HTTP-only rules see no headers and no path, as Envoy's do. A denied connection is
/// closed before any of its bytes are read; shadow rules are evaluated and have no effect.</summary>
internal sealed record NetworkRbacPolicy(string StatPrefix, RbacEngine? Rules, RbacEngine? Shadow, TimeSpan DelayDeny)
{
    public const string FilterName = "envoy.filters.network.rbac";

    public static NetworkRbacPolicy From(NetworkRbac config, string where)
    {
        var at = $"{where}: {FilterName}";
        UnknownFields.Refuse(config, at);
        if (config.StatPrefix.Length == 0) throw new ConfigException($"{at}: stat_prefix is required");
        if (!Enum.IsDefined(config.EnforcementType)) throw new ConfigException($"{at}: enforcement_type {(int)config.EnforcementType} is not a known type");
        var delay = DurationField.PositiveOr(config.DelayDeny, TimeSpan.Zero, at, "delay_deny");
        return new NetworkRbacPolicy(config.StatPrefix,
            config.Rules is { } rules ? RbacCompiler.Compile(rules, $"{at} rules") : null,
            config.ShadowRules is { } shadow ? RbacCompiler.Compile(shadow, $"{at} shadow_rules") : null,
            delay > Timers.Longest ? Timers.Longest : delay);
    }

    /// <summary>The policy's decision for a connection to <paramref name="destination"/>:<paramref name="port"/> from <paramref name="peer"/>.</summary>
    public RbacDecision Decide(ConnectionContext connection, IPAddress? destination, int port, IPEndPoint? peer, string serverName)
    {
        if (Rules is null) return new RbacDecision(true, null, false);
        var tls = connection.Features.Get<DownstreamTlsInfo>();
        var remote = AuthorizationInput.Plain(peer?.Address);
        return Rules.Evaluate(new AuthorizationInput
        {
            DestinationAddress = AuthorizationInput.Plain(destination),
            DestinationPort = port,
            DirectRemote = remote,
            Remote = remote,
            ServerName = tls?.ServerName ?? serverName,
            Tls = tls,
        });
    }

    /// <summary>True when every network RBAC filter of the chain admits the connection.</summary>
    public static bool AdmitAll(IReadOnlyList<NetworkRbacPolicy> policies, ConnectionContext connection, IPAddress? destination, int port, IPEndPoint? peer,
        string serverName, out NetworkRbacPolicy? denier, out RbacDecision decision)
    {
        denier = null;
        decision = new RbacDecision(true, null, false);
        foreach (var policy in policies)
        {
            decision = policy.Decide(connection, destination, port, peer, serverName);
            if (decision.Allowed) continue;
            denier = policy;
            return false;
        }
        return true;
    }
}
