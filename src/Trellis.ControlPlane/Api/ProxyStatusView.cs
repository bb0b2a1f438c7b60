using Trellis.ControlPlane.Translation;
using Trellis.Xds;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Api;

/// <summary>Turns the xDS connection registry into what `trellis proxy-status` shows.</summary>
internal static class ProxyStatusView
{
    /// <param name="problems">What the control plane left out of a proxy's configuration, by node id.</param>
    public static IReadOnlyList<ProxyStatusDto> From(XdsConnectionRegistry registry, Func<string, IReadOnlyList<string>> problems) =>
        registry.Snapshot().Select(n =>
        {
            var node = ProxyNode.From(n.Node.Id, n.Node.Metadata, n.Node.Labels);
            return new ProxyStatusDto(n.Node.Id, node.PodName, node.Namespace, node.Kind.DisplayName(), n.ConnectedAt,
                n.Types.Select(t => new ProxyTypeStatusDto(TypeUrls.ShortName(t.TypeUrl), t.SentVersion, t.SentAt, t.AckedVersion, t.NackedVersion, t.NackError)
                {
                    Resources = t.SentSize?.Resources ?? 0,
                    Bytes = t.SentSize?.Bytes ?? 0,
                }).ToList())
            {
                Warnings = problems(n.Node.Id),
                Workload = node.Metadata.GetValueOrDefault("WORKLOAD_NAME"),
            };
        }).ToList();
}
