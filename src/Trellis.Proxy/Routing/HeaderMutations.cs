using Envoy.Config.Core.V3;
using Google.Protobuf.Collections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Action = Envoy.Config.Core.V3.HeaderValueOption.Types.HeaderAppendAction;

namespace Trellis.Proxy.Routing;

/// <summary>Headers to add and remove at one level of a route configuration (config, vhost, route, weighted cluster).</summary>
internal sealed class HeaderMutations
{
    public static readonly HeaderMutations None = new([], []);

    private readonly (string Name, string Value, Action Action)[] _add;
    private readonly string[] _remove;

    private HeaderMutations((string, string, Action)[] add, string[] remove)
    {
        _add = add;
        _remove = remove;
    }

    public static HeaderMutations From(RepeatedField<HeaderValueOption> add, RepeatedField<string> remove)
    {
        if (add.Count == 0 && remove.Count == 0) return None;
        var adds = add.Where(o => o.Header is not null && o.Header.Key.Length > 0)
            .Select(o => (o.Header.Key, o.Header.Value.Length > 0 ? o.Header.Value : o.Header.RawValue.ToStringUtf8(), ActionOf(o)))
            .ToArray();
        return new HeaderMutations(adds, remove.Where(r => r.Length > 0).ToArray());
    }

    // The deprecated bool `append` wins when set, as in Envoy.
    private static Action ActionOf(HeaderValueOption o) =>
        o.Append is { } append ? (append ? Action.AppendIfExistsOrAdd : Action.OverwriteIfExistsOrAdd) : o.AppendAction;

    public void Apply(IHeaderDictionary headers)
    {
        foreach (var name in _remove) headers.Remove(name);
        foreach (var (name, value, action) in _add)
        {
            var exists = headers.TryGetValue(name, out var current);
            switch (action)
            {
                case Action.AppendIfExistsOrAdd:
                    headers[name] = exists ? StringValues.Concat(current, value) : new StringValues(value);
                    break;
                case Action.AddIfAbsent:
                    if (!exists) headers[name] = value;
                    break;
                case Action.OverwriteIfExistsOrAdd:
                    headers[name] = value;
                    break;
                case Action.OverwriteIfExists:
                    if (exists) headers[name] = value;
                    break;
            }
        }
    }
}
