namespace Trellis.Config.Validation;

/// <summary>Object names, namespaces, labels and annotation keys, with the rules Kubernetes applies to each kind.</summary>
internal static class MetadataValidator
{
    public static void Validate(ValidationSink sink)
    {
        var resource = sink.Resource;
        var meta = resource.Metadata;
        var nameProblem = resource.Kind switch
        {
            "Service" => Names.Dns1035Label(meta.Name),
            "Namespace" => Names.Dns1123Label(meta.Name),
            _ => Names.Dns1123Subdomain(meta.Name),
        };
        if (nameProblem is not null) sink.Error("metadata.name", nameProblem);
        if (meta.Namespace is { } ns && Names.Dns1123Label(ns) is { } nsProblem) sink.Error("metadata.namespace", nsProblem);
        LabelValidation.Check(sink, "metadata.labels", meta.Labels);
        LabelValidation.Check(sink, "metadata.annotations", meta.Annotations, valuesAreLabels: false);
    }
}
