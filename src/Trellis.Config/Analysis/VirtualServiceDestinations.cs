using Trellis.Config.Model.Networking;

namespace Trellis.Config.Analysis;

/// <summary>Every destination a VirtualService sends traffic to, with its field path.</summary>
public static class VirtualServiceDestinations
{
    public static IEnumerable<(string Path, Destination Destination)> Of(VirtualServiceSpec spec)
    {
        for (var i = 0; i < (spec.Http?.Count ?? 0); i++)
        {
            var http = spec.Http![i];
            for (var j = 0; j < (http.Route?.Count ?? 0); j++)
                if (http.Route![j].Destination is { } d) yield return ($"spec.http[{i}].route[{j}].destination", d);
            if (http.Mirror is { } mirror) yield return ($"spec.http[{i}].mirror", mirror);
            for (var j = 0; j < (http.Mirrors?.Count ?? 0); j++)
                if (http.Mirrors![j].Destination is { } d) yield return ($"spec.http[{i}].mirrors[{j}].destination", d);
        }
        for (var i = 0; i < (spec.Tcp?.Count ?? 0); i++)
            for (var j = 0; j < (spec.Tcp![i].Route?.Count ?? 0); j++)
                if (spec.Tcp[i].Route![j].Destination is { } d) yield return ($"spec.tcp[{i}].route[{j}].destination", d);
        for (var i = 0; i < (spec.Tls?.Count ?? 0); i++)
            for (var j = 0; j < (spec.Tls![i].Route?.Count ?? 0); j++)
                if (spec.Tls[i].Route![j].Destination is { } d) yield return ($"spec.tls[{i}].route[{j}].destination", d);
    }

    /// <summary>"mesh" or "namespace/name" for each gateway the VirtualService binds to (mesh when none are listed).</summary>
    public static IReadOnlyList<(int Index, string Gateway)> Gateways(VirtualServiceSpec spec, string ns) =>
        spec.Gateways is { Count: > 0 } gateways
            ? gateways.Select((g, i) => (i, Normalize(g, ns))).ToList()
            : [(-1, "mesh")];

    public static string Normalize(string gateway, string ns) =>
        gateway == "mesh" ? gateway : gateway.Contains('/') ? gateway : $"{ns}/{gateway}";
}
