using Envoy.Config.Rbac.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Authorization;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Security;

namespace Trellis.Proxy.HttpFilters.Rbac;

/// <summary>Envoy's RBAC HTTP filter: a denied request gets 403 "RBAC: access denied"; which policy decided goes to
/// the request's log line and access log (response code details rbac_access_denied_matched_policy[NAME]), never to
/// the client. Shadow rules and LOG rules only record their outcome in the dynamic metadata, as Envoy does.</summary>
internal sealed class RbacFilter(RbacFilterPolicy own, int slot) : IHttpFilter
{
    public const string DeniedBody = "RBAC: access denied";
    private const string CommonNamespace = "envoy.common";
    private const string AccessLogHint = "access_log_hint";

    public Task InvokeAsync(RequestContext context, HttpFilterDelegate next)
    {
        var policy = context.Route?.FilterConfigs.ConfigOf(slot) as RbacFilterPolicy ?? own;
        if (policy.IsEmpty) return next(context);
        var input = InputOf(context, policy.NeedsRemoteIp);
        if (policy.Shadow is { } shadow)
        {
            var outcome = shadow.Evaluate(input);
            var metadata = (context.Metadata ??= new DynamicMetadata()).For(RbacFilterPolicy.FilterName);
            if (outcome.MatchedPolicy is { } id) metadata.Fields[policy.ShadowPrefix + "shadow_effective_policy_id"] = Value.ForString(id);
            metadata.Fields[policy.ShadowPrefix + "shadow_engine_result"] = Value.ForString(outcome.Allowed ? "allowed" : "denied");
        }
        if (policy.Rules is not { } rules) return next(context);
        var decision = rules.Evaluate(input);
        if (rules.Action == RBAC.Types.Action.Log)
            (context.Metadata ??= new DynamicMetadata()).For(CommonNamespace).Fields[AccessLogHint] = Value.ForBool(decision.LogHint);
        else if (decision.MatchedPolicy is { } matched)
            (context.Metadata ??= new DynamicMetadata()).For(RbacFilterPolicy.FilterName).Fields[policy.RulesPrefix + "enforced_effective_policy_id"] = Value.ForString(matched);
        if (decision.Allowed) return next(context);
        return LocalReply.WriteAsync(context, 403, ResponseFlags.None, DeniedBody,
            $"rbac_access_denied_matched_policy[{decision.MatchedPolicy ?? "none"}]", withholdReason: true);
    }

    private static AuthorizationInput InputOf(RequestContext context, bool needsRemoteIp)
    {
        var http = context.Http;
        var connection = http.Connection;
        var peer = AuthorizationInput.Plain(connection.RemoteIpAddress);
        var tls = http.Features.Get<DownstreamTlsInfo>();
        return new AuthorizationInput
        {
            Request = http.Request,
            Path = http.Request.Path.Value ?? "/",
            DestinationAddress = AuthorizationInput.Plain(connection.LocalIpAddress),
            DestinationPort = connection.LocalPort,
            DirectRemote = peer,
            Remote = needsRemoteIp ? ForwardedFor.ClientAddress(http.Request, peer, context.Hcm.UseRemoteAddress, context.Hcm.XffNumTrustedHops) : peer,
            ServerName = tls?.ServerName ?? "",
            Tls = tls,
            Metadata = context.Metadata,
        };
    }
}
