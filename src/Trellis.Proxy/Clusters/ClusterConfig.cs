namespace Trellis.Proxy.Clusters;

/// <summary>What one configuration says about a cluster, validated: its settings and endpoints, and the xDS resources
/// they were built from (<paramref name="Source"/>, <paramref name="EndpointSource"/>), so that a push that leaves
/// them as they were leaves the cluster as it was.</summary>
internal sealed record ClusterConfig(ClusterModel Model, IReadOnlyList<EndpointModel> Endpoints, object Source, object? EndpointSource)
{
    public bool SameSourcesAs(ClusterConfig other) =>
        ReferenceEquals(Source, other.Source) && ReferenceEquals(EndpointSource, other.EndpointSource);
}
