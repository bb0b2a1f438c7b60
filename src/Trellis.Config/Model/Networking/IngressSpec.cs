using Trellis.Config.Loading;

namespace Trellis.Config.Model.Networking;

/// <summary>Kubernetes Ingress (networking.k8s.io/v1): HTTP routes by host and path for an ingress controller; the
/// mesh serves those of Istio's class on its ingress gateway, as istiod does.</summary>
public sealed record IngressSpec
{
    public string? IngressClassName { get; init; }
    public IngressBackend? DefaultBackend { get; init; }
    public IReadOnlyList<IngressTls>? Tls { get; init; }
    public IReadOnlyList<IngressRule>? Rules { get; init; }
}

/// <summary>Hosts served with the certificate of a Secret.</summary>
public sealed record IngressTls
{
    public IReadOnlyList<string>? Hosts { get; init; }
    public string? SecretName { get; init; }
}

/// <summary>The paths of one host (every host when none is given).</summary>
public sealed record IngressRule
{
    public string? Host { get; init; }
    public HttpIngressRuleValue? Http { get; init; }
}

/// <summary>The paths of an Ingress rule.</summary>
public sealed record HttpIngressRuleValue
{
    public IReadOnlyList<HttpIngressPath>? Paths { get; init; }
}

/// <summary>A path and the backend that serves it.</summary>
public sealed record HttpIngressPath
{
    public const string Exact = "Exact";
    public const string Prefix = "Prefix";
    public const string ImplementationSpecific = "ImplementationSpecific";

    public string? Path { get; init; }
    [OneOf(Exact, Prefix, ImplementationSpecific)] public string? PathType { get; init; }
    public IngressBackend? Backend { get; init; }
}

/// <summary>A Service port (or another object, which Istio does not serve) that takes an Ingress path's requests.</summary>
public sealed record IngressBackend
{
    public IngressServiceBackend? Service { get; init; }
    public object? Resource { get; init; }
}

/// <summary>A Service and its port, by number or name.</summary>
public sealed record IngressServiceBackend
{
    public string? Name { get; init; }
    public ServiceBackendPort? Port { get; init; }
}

/// <summary>A Service port by number or by name.</summary>
public sealed record ServiceBackendPort
{
    public int? Number { get; init; }
    public string? Name { get; init; }
}

/// <summary>Kubernetes IngressClass: which controller serves the Ingresses of that class (Istio's is
/// <c>istio.io/ingress-controller</c>).</summary>
public sealed record IngressClassSpec
{
    public const string IstioController = "istio.io/ingress-controller";

    public string? Controller { get; init; }
    public object? Parameters { get; init; }
}
