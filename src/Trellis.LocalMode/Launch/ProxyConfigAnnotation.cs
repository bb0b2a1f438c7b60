using System.Globalization;
using Trellis.Runtime;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Trellis.LocalMode;

/// <summary>Istio's <c>proxy.istio.io/config</c> pod annotation: a ProxyConfig (YAML or JSON) that overrides the mesh's
/// for that pod's sidecar. Its <c>concurrency</c> is what local mode applies at launch.</summary>
internal static class ProxyConfigAnnotation
{
    public const string Name = "proxy.istio.io/config";

    /// <summary>The sidecar's event-loop threads the pod asks for (0: one per core); null when it does not say.</summary>
    /// <exception cref="FormatException">The annotation is not a ProxyConfig map, or its concurrency is not a count.</exception>
    public static int? Concurrency(PodState pod)
    {
        if (pod.Annotations?.GetValueOrDefault(Name) is not { Length: > 0 } text) return null;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"pod {pod.Namespace}/{pod.Name}: annotation {Name}: not YAML or JSON ({e.Message})");
        }
        if (stream.Documents.Count == 0) return null;
        if (stream.Documents[0].RootNode is not YamlMappingNode config)
            throw new FormatException($"pod {pod.Namespace}/{pod.Name}: annotation {Name}: expected a ProxyConfig map such as \"concurrency: 2\"");
        if (!config.Children.TryGetValue(new YamlScalarNode("concurrency"), out var node)) return null;
        if (node is YamlScalarNode { Value: { } value } && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var threads))
            return threads;
        throw new FormatException($"pod {pod.Namespace}/{pod.Name}: annotation {Name}: concurrency: \"{node}\" is not a thread count (0 for one per core)");
    }
}
