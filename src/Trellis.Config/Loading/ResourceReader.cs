using System.Text;
using Trellis.Config.Model;
using Trellis.Config.Validation;
using YamlDotNet.RepresentationModel;

namespace Trellis.Config.Loading;

/// <summary>Turns one YAML document into resources (a <c>List</c> into several): identifies the kind, binds metadata
/// and spec, then runs the kind's schema validation.</summary>
internal sealed class ResourceReader(SourceText source, List<Diagnostic> diagnostics)
{
    private const string NotEnforced = "accepted, not yet enforced by Trellis";

    public IEnumerable<Resource> Read(YamlNode root, string path = "")
    {
        var document = new BindContext(source.File, diagnostics);
        if (root is not YamlMappingNode map)
        {
            document.Error(root, NullIfEmpty(path), "expected a Kubernetes object: a map with apiVersion, kind and metadata", DiagnosticCodes.MissingRequiredField);
            yield break;
        }
        var apiVersion = Scalar(map, "apiVersion");
        var kind = Scalar(map, "kind");
        var rawName = Child(map, "metadata") is YamlMappingNode meta ? Scalar(meta, "name") : null;
        var rawNamespace = Child(map, "metadata") is YamlMappingNode meta2 ? Scalar(meta2, "namespace") : null;
        document.ObjectRef = kind is not null && rawName is not null ? new ObjectRef(kind, rawNamespace, rawName).ToString() : null;

        if (apiVersion is null || kind is null)
        {
            var missing = apiVersion is null ? "apiVersion" : "kind";
            document.Error(map, Prefixed(path, missing), $"missing required field \"{missing}\"", DiagnosticCodes.MissingRequiredField);
            yield break;
        }
        if (kind == "List" && (apiVersion == "v1" || apiVersion.EndsWith("/v1", StringComparison.Ordinal)))
        {
            if (Child(map, "items") is YamlSequenceNode items)
                for (var i = 0; i < items.Children.Count; i++)
                    foreach (var r in Read(items.Children[i], FieldPath.Index(Prefixed(path, "items"), i)))
                        yield return r;
            yield break;
        }
        var info = KindRegistry.Find(apiVersion, kind);
        if (info is null)
        {
            ReportUnknown(document, map, apiVersion, kind, path);
            yield break;
        }
        // Once the object is identified its ObjectRef locates it, so field paths start at the object itself.
        var resource = Build(document, map, info, apiVersion, "");
        if (resource is not null) yield return resource;
    }

    private Resource? Build(BindContext document, YamlMappingNode map, KindInfo info, string apiVersion, string path)
    {
        var binder = new NodeBinder(document);
        var metaNode = Child(map, "metadata");
        var meta = metaNode is null ? null : binder.Bind<MetadataFields>(metaNode, Prefixed(path, "metadata"));
        if (string.IsNullOrEmpty(meta?.Name) && info.DefaultName is not null)
            meta = (meta ?? new MetadataFields()) with { Name = info.DefaultName };
        if (string.IsNullOrEmpty(meta?.Name))
        {
            document.Error(metaNode ?? map, Prefixed(path, "metadata.name"), "missing required field \"metadata.name\"", DiagnosticCodes.MissingRequiredField);
            return null;
        }
        var ns = info.ClusterScoped ? null : string.IsNullOrEmpty(meta.Namespace) ? "default" : meta.Namespace;
        var metadata = new ObjectMeta(meta.Name, ns,
            meta.Labels ?? System.Collections.Immutable.ImmutableDictionary<string, string>.Empty,
            meta.Annotations ?? System.Collections.Immutable.ImmutableDictionary<string, string>.Empty);
        document.ObjectRef = new ObjectRef(info.Kind, ns, meta.Name).ToString();
        if (AnnotationBytes(meta) is var annotationBytes and > InputLimits.MaxAnnotationBytes)
        {
            document.Error(Child((YamlMappingNode)metaNode!, "annotations")!, Prefixed(path, "metadata.annotations"),
                $"annotations are {InputLimits.Size(annotationBytes)}, over the limit of {InputLimits.Size(InputLimits.MaxAnnotationBytes)} per object (keys and values, as Kubernetes counts them)",
                DiagnosticCodes.InputLimitExceeded);
            return null;
        }

        var errorsBefore = diagnostics.Count(d => d.Severity == Severity.Error);
        var spec = BindSpec(document, binder, map, info, path);
        var locator = new FieldLocator(source, map);
        var resource = new Resource(apiVersion, info.Kind, metadata, spec, locator.Start, info.Enforced, locator);
        if (!info.Enforced)
        {
            diagnostics.Add(Diagnostic.Info(DiagnosticCodes.NotYetEnforced, NotEnforced, locator.Start, document.ObjectRef));
            return resource;
        }
        // Rules beyond field types would only echo a field the bind already rejected (an unknown
        // "destinaton" is also a missing "destination"), so they run once the object binds cleanly.
        if (diagnostics.Count(d => d.Severity == Severity.Error) == errorsBefore) diagnostics.AddRange(SchemaValidators.Validate(resource));
        return resource;
    }

    private static object? BindSpec(BindContext document, NodeBinder binder, YamlMappingNode map, KindInfo info, string path)
    {
        if (info.SpecType is null)
            return Child(map, "spec") is { } raw ? binder.Bind(raw, typeof(object), Prefixed(path, "spec")) : null;
        var allowed = KindInfo.CommonTopLevel.AsEnumerable();
        if (info.TopLevel)
        {
            var shape = ModelShape.Of(info.SpecType);
            allowed = allowed.Concat(shape.Fields.Keys);
        }
        foreach (var key in map.Children.Keys.OfType<YamlScalarNode>())
        {
            if (key.Value is { } k && !allowed.Contains(k, StringComparer.Ordinal))
                document.Error(key, Prefixed(path, k), $"unknown field \"{k}\"{DidYouMean.Hint(k, allowed)}");
        }
        if (info.TopLevel)
        {
            var own = map.Children.Where(kv => kv.Key is YamlScalarNode { Value: { } k } && !KindInfo.CommonTopLevel.Contains(k));
            return binder.Bind(new YamlMappingNode(own), info.SpecType, NullIfEmpty(path) ?? "");
        }
        return Child(map, "spec") is { } spec ? binder.Bind(spec, info.SpecType, Prefixed(path, "spec")) : null;
    }

    private static void ReportUnknown(BindContext document, YamlMappingNode map, string apiVersion, string kind, string path)
    {
        var sameName = KindRegistry.Named(kind);
        if (sameName.Count > 0)
        {
            var versions = sameName.SelectMany(k => k.ApiVersions).ToList();
            var hint = DidYouMean.Closest(apiVersion, versions) is { } v ? $"; did you mean \"{v}\"?" : $"; supported: {string.Join(", ", versions)}";
            document.Error(Child(map, "apiVersion")!, Prefixed(path, "apiVersion"), $"unknown apiVersion \"{apiVersion}\" for kind {kind}{hint}", DiagnosticCodes.UnknownApiVersion);
            return;
        }
        var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
        var inGroup = KindRegistry.All.Where(k => k.Group == group).Select(k => k.Kind).ToList();
        var suggestion = DidYouMean.Closest(kind, inGroup) ?? DidYouMean.Closest(kind, KindRegistry.KindNames);
        var message = $"unknown kind \"{kind}\" (apiVersion {apiVersion})";
        if (suggestion is not null)
        {
            var target = KindRegistry.Named(suggestion).Select(k => k.ApiVersions.First()).First();
            message += $"; did you mean \"{suggestion}\" ({target})?";
        }
        document.Error(Child(map, "kind")!, Prefixed(path, "kind"), message, DiagnosticCodes.UnknownKind);
    }

    private static long AnnotationBytes(MetadataFields meta) =>
        meta.Annotations?.Sum(a => (long)Encoding.UTF8.GetByteCount(a.Key) + Encoding.UTF8.GetByteCount(a.Value)) ?? 0;

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;

    private static string? Scalar(YamlMappingNode map, string key) =>
        Child(map, key) is YamlScalarNode { Value: { Length: > 0 } v } ? v : null;

    private static string Prefixed(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    private static string? NullIfEmpty(string path) => path.Length == 0 ? null : path;
}
