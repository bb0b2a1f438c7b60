using Trellis.Config.Model;
using Trellis.Config.Model.Mesh;
using Trellis.Config.Model.Networking;

namespace Trellis.Config.Semantics.Ingress;

/// <summary>Whether the mesh serves an Ingress, as istiod decides: an <c>ingressClassName</c> must name an existing
/// IngressClass; the <c>kubernetes.io/ingress.class</c> annotation, when present, must be the mesh's class; else the
/// IngressClass's controller must be Istio's; an Ingress with neither is served only in DEFAULT mode.</summary>
public static class IngressClassSelection
{
    public const string ClassAnnotation = "kubernetes.io/ingress.class";

    public static bool Serves(Resource ingress, IReadOnlyList<Resource> resources, IngressSettings settings) => Why(ingress, resources, settings) is null;

    /// <summary>Null when the mesh serves the Ingress; otherwise why not, in words for analyze.</summary>
    public static string? Why(Resource ingress, IReadOnlyList<Resource> resources, IngressSettings settings)
    {
        if (settings.Mode == "OFF") return "the mesh config's ingressControllerMode is OFF";
        IngressClassSpec? ingressClass = null;
        if (((IngressSpec)ingress.Spec!).IngressClassName is { Length: > 0 } name)
        {
            ingressClass = resources.FirstOrDefault(r => r.Kind == "IngressClass" && r.Metadata.Name == name)?.SpecAs<IngressClassSpec>();
            if (ingressClass is null) return $"its IngressClass \"{name}\" does not exist";
        }
        if (ingress.Metadata.Annotations.TryGetValue(ClassAnnotation, out var annotated))
            return annotated == settings.Class ? null : $"its {ClassAnnotation} annotation is \"{annotated}\", not the mesh's \"{settings.Class}\"";
        if (ingressClass is not null)
            return ingressClass.Controller == IngressClassSpec.IstioController ? null
                : $"its IngressClass's controller is \"{ingressClass.Controller}\", not {IngressClassSpec.IstioController}";
        return settings.Mode == "DEFAULT" ? null : "it names no class (the mesh config's ingressControllerMode STRICT serves only its own class)";
    }
}
