using Trellis.Config.Model.Core;

namespace Trellis.Config.Validation;

/// <summary>Schema rules of Service: port ranges, named ports when there are several, unique names, valid target ports.</summary>
internal static class ServiceValidator
{
    public static void Validate(ValidationSink sink, ServiceSpec spec)
    {
        LabelValidation.Check(sink, "spec.selector", spec.Selector);
        var ports = spec.Ports ?? [];
        if (ports.Count == 0 && spec.Type != "ExternalName" && spec.ClusterIP != "None")
            sink.Error("spec.ports", "a Service needs at least one port");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var path = $"spec.ports[{i}]";
            sink.Port($"{path}.port", port.Port, required: true);
            if (port.TargetPort?.Int is { } target) sink.Port($"{path}.targetPort", target);
            else if (port.TargetPort?.String is { } named && (Names.Dns1123Label(named) is not null || named.Length > 15))
                sink.Error($"{path}.targetPort", $"\"{named}\" is not a valid port name (at most 15 lower case letters, digits and '-')");
            if (string.IsNullOrEmpty(port.Name))
            {
                if (ports.Count > 1) sink.Error($"{path}.name", "ports must be named when a Service has more than one");
            }
            else if (Names.Dns1123Label(port.Name) is { } problem) sink.Error($"{path}.name", problem);
            else if (!names.Add(port.Name)) sink.Error($"{path}.name", $"duplicate port name \"{port.Name}\"");
        }
    }
}
