using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Net;
using System.Numerics;
using System.Text;
using Envoy.Config.Route.V3;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.Routing;

/// <summary>A route's hash_policy list: what of a request feeds the consistent hash that RING_HASH and
/// MAGLEV clusters balance on. Evaluated as Envoy does: each policy that yields a value is folded into
/// the hash, and a terminal policy that has a hash stops the list.</summary>
internal sealed class HashPolicies
{
    public static readonly HashPolicies None = new([]);

    private readonly HashPolicy[] _policies;

    private HashPolicies(HashPolicy[] policies) => _policies = policies;

    public static HashPolicies From(IEnumerable<RouteAction.Types.HashPolicy> protos, string where)
    {
        var policies = protos.Select((p, i) => Compile(p, $"{where} hash_policy[{i}]")).ToArray();
        return policies.Length == 0 ? None : new HashPolicies(policies);
    }

    /// <summary>The request's hash, or null when no policy found its input (the balancer then picks at random).</summary>
    public ulong? Compute(RequestContext context)
    {
        ulong? hash = null;
        foreach (var policy in _policies)
        {
            if (policy.Evaluate(context) is { } value)
                // Rotating keeps two identical policies from cancelling each other out.
                hash = (hash is { } old ? BitOperations.RotateLeft(old, 1) : 0) ^ value;
            if (policy.Terminal && hash is not null) break;
        }
        return hash;
    }

    private static HashPolicy Compile(RouteAction.Types.HashPolicy p, string where) => p.PolicySpecifierCase switch
    {
        RouteAction.Types.HashPolicy.PolicySpecifierOneofCase.Header when p.Header.HeaderName.Length > 0
            => new HeaderPolicy(p.Terminal, p.Header.HeaderName.ToLowerInvariant()),
        RouteAction.Types.HashPolicy.PolicySpecifierOneofCase.Cookie when p.Cookie.Name.Length > 0
            => new CookiePolicy(p.Terminal, p.Cookie.Name, p.Cookie.Ttl?.ToTimeSpan(), p.Cookie.Path),
        RouteAction.Types.HashPolicy.PolicySpecifierOneofCase.ConnectionProperties
            => new SourceIpPolicy(p.Terminal, p.ConnectionProperties.SourceIp),
        RouteAction.Types.HashPolicy.PolicySpecifierOneofCase.QueryParameter when p.QueryParameter.Name.Length > 0
            => new QueryParameterPolicy(p.Terminal, p.QueryParameter.Name),
        RouteAction.Types.HashPolicy.PolicySpecifierOneofCase.None => throw new ConfigException($"{where}: names nothing to hash"),
        var kind => throw new ConfigException($"{where}: {kind} needs a name"),
    };

    /// <summary>xxHash64 of the UTF-8 bytes, as Envoy's HashUtil::xxHash64.</summary>
    internal static ulong Hash(string value, ulong seed = 0)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = max > 256 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> bytes = rented ?? stackalloc byte[256];
        var length = Encoding.UTF8.GetBytes(value, bytes);
        var hash = XxHash64.HashToUInt64(bytes[..length], unchecked((long)seed));
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return hash;
    }

    private abstract record HashPolicy(bool Terminal)
    {
        public abstract ulong? Evaluate(RequestContext context);
    }

    private sealed record HeaderPolicy(bool Terminal, string Name) : HashPolicy(Terminal)
    {
        public override ulong? Evaluate(RequestContext context)
        {
            var request = context.Http.Request;
            var values = Name switch
            {
                ":authority" => request.Host.HasValue ? new Microsoft.Extensions.Primitives.StringValues(request.Host.Value) : default,
                ":path" => new Microsoft.Extensions.Primitives.StringValues(request.Path.Value + request.QueryString.Value),
                ":method" => new Microsoft.Extensions.Primitives.StringValues(request.Method),
                _ => request.Headers[Name],
            };
            if (values.Count == 0) return null;
            if (values.Count == 1) return Hash(values[0]!);
            // Several values hash in sorted order, each seeding the next, so their order on the wire doesn't matter.
            var sorted = values.ToArray();
            Array.Sort(sorted, StringComparer.Ordinal);
            ulong hash = 0;
            foreach (var value in sorted) hash = Hash(value!, hash);
            return hash;
        }
    }

    private sealed record CookiePolicy(bool Terminal, string Name, TimeSpan? Ttl, string Path) : HashPolicy(Terminal)
    {
        public override ulong? Evaluate(RequestContext context)
        {
            if (context.Http.Request.Cookies.TryGetValue(Name, out var value) && Unquoted(value) is { Length: > 0 } found) return Hash(found);
            if (Ttl is not { } ttl) return null;
            // Without the cookie and with a ttl, Envoy mints one from the connection's addresses and asks the
            // client to keep it, so the next requests of this client hash the same way.
            var connection = context.Http.Connection;
            var minted = Hash($"{Address(connection.RemoteIpAddress, connection.RemotePort)}{Address(connection.LocalIpAddress, connection.LocalPort)}")
                .ToString("x16", CultureInfo.InvariantCulture);
            var cookie = new StringBuilder().Append(Name).Append("=\"").Append(minted).Append('"');
            if (ttl > TimeSpan.Zero) cookie.Append("; Max-Age=").Append((long)ttl.TotalSeconds);
            if (Path.Length > 0) cookie.Append("; Path=").Append(Path);
            context.AffinityCookie = cookie.Append("; HttpOnly").ToString();
            return Hash(minted);
        }

        // The minted cookie is sent quoted, and must hash the same when the client sends it back.
        private static string Unquoted(string value) =>
            value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

        private static string Address(IPAddress? ip, int port) => ip is null ? "" : new IPEndPoint(ip, port).ToString();
    }

    private sealed record SourceIpPolicy(bool Terminal, bool Enabled) : HashPolicy(Terminal)
    {
        public override ulong? Evaluate(RequestContext context)
        {
            if (!Enabled || context.Http.Connection.RemoteIpAddress is not { } ip) return null;
            return Hash((ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString());
        }
    }

    private sealed record QueryParameterPolicy(bool Terminal, string Name) : HashPolicy(Terminal)
    {
        public override ulong? Evaluate(RequestContext context) =>
            context.Http.Request.Query.TryGetValue(Name, out var values) && values.Count > 0 && values[0] is { } first ? Hash(first) : null;
    }
}
