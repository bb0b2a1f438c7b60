using System.Collections.Frozen;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.HttpFilters.ExtAuthz;
using Trellis.Proxy.HttpFilters.Fault;
using Trellis.Proxy.HttpFilters.Rbac;
using Trellis.Proxy.HttpFilters.JwtAuthn;
using Trellis.Proxy.HttpFilters.Router;

namespace Trellis.Proxy.HttpFilters;

/// <summary>The HTTP filters this proxy implements, by Envoy name and by the config types they declare.
/// As in Envoy, a typed_config or per-route config is taken by the filter that declares its @type.</summary>
internal sealed class HttpFilterRegistry
{
    /// <summary>Every filter of the proxy; adding one is a line here.</summary>
    public static HttpFilterRegistry Default { get; } = new(
    [
        new RouterFilterFactory(),
        new FaultFilterFactory(),
        new JwtAuthnFilterFactory(),
        new RbacFilterFactory(),
        new ExtAuthzFilterFactory(),
        new Stats.StatsFilterFactory(),
    ]);

    private readonly FrozenDictionary<string, HttpFilterFactory> _byName;
    private readonly FrozenDictionary<string, (HttpFilterFactory Factory, MessageDescriptor Type)> _byConfigType;
    private readonly FrozenDictionary<string, (HttpFilterFactory Factory, MessageDescriptor Type)> _byRouteConfigType;

    internal HttpFilterRegistry(IReadOnlyList<HttpFilterFactory> factories)
    {
        _byName = factories.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
        _byConfigType = factories.SelectMany(f => f.ConfigTypes.Select(t => (f, t)))
            .ToFrozenDictionary(e => e.t.FullName, e => e, StringComparer.Ordinal);
        _byRouteConfigType = factories.SelectMany(f => f.RouteConfigTypes.Select(t => (f, t)))
            .ToFrozenDictionary(e => e.t.FullName, e => e, StringComparer.Ordinal);
    }

    public HttpFilterFactory? ByName(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The factory declaring the @type of an HCM filter's typed_config, and the config decoded.</summary>
    public (HttpFilterFactory Factory, IMessage Config)? ForConfig(Any any, string where) =>
        _byConfigType.TryGetValue(TypeName(any), out var entry) ? (entry.Factory, Decode(entry.Type, any, where)) : null;

    /// <summary>The factory declaring the @type of a per-route config, and the config decoded.</summary>
    public (HttpFilterFactory Factory, IMessage Config)? ForRouteConfig(Any any, string where) =>
        _byRouteConfigType.TryGetValue(TypeName(any), out var entry) ? (entry.Factory, Decode(entry.Type, any, where)) : null;

    /// <summary>The factory whose typed_config type this is, when it takes no per-route config of that type.</summary>
    public HttpFilterFactory? TakingOnlyAsConfig(Any any) =>
        _byConfigType.TryGetValue(TypeName(any), out var entry) ? entry.Factory : null;

    public static string TypeName(Any any) => Any.GetTypeName(any.TypeUrl);

    private static IMessage Decode(MessageDescriptor type, Any any, string where)
    {
        try
        {
            return type.Parser.ParseFrom(any.Value);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ConfigException($"{where}: {type.FullName} does not decode: {e.Message}");
        }
    }
}
