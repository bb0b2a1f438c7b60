using Trellis.Config.Loading;
using Trellis.Config.Semantics;

namespace Trellis.Config.Validation;

/// <summary>Istio's exportTo rules (validateExportTo): each entry <c>.</c>, <c>*</c> or a namespace, listed once;
/// <c>*</c> alone; <c>~</c> (no namespace) alone and only where Istio takes it; a DestinationRule with a
/// workloadSelector exported to its own namespace only.</summary>
internal static class ExportToValidation
{
    public static void Check(ValidationSink sink, string path, IReadOnlyList<string>? exportTo, bool allowNone = false, bool selectorRule = false) =>
        Check(exportTo, (at, message) => sink.Error(at, message), path, sink.Resource.Metadata.Namespace ?? "default", allowNone, selectorRule);

    /// <summary>The Service annotation: Kubernetes takes any value, so a bad one is a warning, not a rejection.</summary>
    public static void CheckServiceAnnotation(ValidationSink sink)
    {
        if (ExportTo.OfService(sink.Resource.Metadata) is not { } exportTo) return;
        var path = FieldPath.Member("metadata.annotations", ExportTo.ServiceAnnotation);
        Check(exportTo, (_, message) => sink.Warning(path, $"{message}; the Service is exported as the entries say, unknown ones match no namespace"),
            path, sink.Resource.Metadata.Namespace ?? "default", allowNone: true, selectorRule: false);
    }

    /// <summary>A MeshConfig default (defaultServiceExportTo, ...): istiod takes any list, so a bad one is a warning, not a
    /// rejection of the whole mesh config. "." stands for each object's own namespace.</summary>
    public static void CheckMeshDefault(List<Diagnostic> found, string field, IReadOnlyList<string>? exportTo) =>
        Check(exportTo, (at, message) => found.Add(Diagnostic.Warning(DiagnosticCodes.SchemaValidationError,
                $"{message}; objects without exportTo are exported as the entries say, unknown ones match no namespace", null, fieldPath: at)),
            field, ExportTo.Private, allowNone: true, selectorRule: false);

    private static void Check(IReadOnlyList<string>? exportTo, Action<string, string> report, string path, string ns, bool allowNone, bool selectorRule)
    {
        if (exportTo is not { Count: > 0 }) return;
        // Each entry by the namespace it names, so "." and the object's own namespace count as one.
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < exportTo.Count; i++)
        {
            var entry = exportTo[i];
            var at = FieldPath.Index(path, i);
            var key = entry == ExportTo.Private ? ns : entry;
            if (!seen.TryAdd(key, entry))
                report(at, seen[key] == entry ? $"duplicate entry \"{entry}\"" : $"duplicate entries: \".\" and the current namespace \"{ns}\" are the same");
            else if (entry == ExportTo.None && !allowNone)
                report(at, "\"~\" (no namespace) is only allowed in a ServiceEntry's exportTo");
            else if (entry is not (ExportTo.Public or ExportTo.Private or ExportTo.None) && Names.Dns1123Label(entry) is { } problem)
                report(at, $"must be \".\", \"*\" or a namespace: {problem}");
        }
        if (seen.ContainsKey(ExportTo.Public) && exportTo.Count > 1)
            report(path, "\"*\" already exports to every namespace: it cannot be listed with other entries");
        if (seen.ContainsKey(ExportTo.None) && exportTo.Count > 1)
            report(path, "\"~\" exports to no namespace: it cannot be listed with other entries");
        if (selectorRule && (exportTo.Count > 1 || !seen.ContainsKey(ns)))
            report(path, $"a DestinationRule with a workloadSelector can only be exported to its own namespace (\".\" or \"{ns}\")");
    }
}
