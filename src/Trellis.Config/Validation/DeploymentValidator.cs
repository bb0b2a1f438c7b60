using Trellis.Config.Model.Apps;

namespace Trellis.Config.Validation;

/// <summary>Schema rules of Deployment: a selector that matches the template, named containers, valid ports and probes.</summary>
internal static class DeploymentValidator
{
    public static void Validate(ValidationSink sink, DeploymentSpec spec)
    {
        sink.NotNegative("spec.replicas", spec.Replicas);
        var selector = spec.Selector?.MatchLabels;
        var labels = spec.Template?.Metadata?.Labels;
        LabelValidation.Check(sink, "spec.selector.matchLabels", selector);
        LabelValidation.Check(sink, "spec.template.metadata.labels", labels);
        if (selector is not { Count: > 0 } && spec.Selector?.MatchExpressions is not { Count: > 0 })
            sink.Error("spec.selector", "missing required field (selector.matchLabels)");
        else if (selector is not null && !selector.All(kv => labels?.TryGetValue(kv.Key, out var v) == true && v == kv.Value))
            sink.Error("spec.template.metadata.labels", "selector does not match template labels");

        var containers = spec.Template?.Spec?.Containers ?? [];
        if (containers.Count == 0) sink.Error("spec.template.spec.containers", "a Deployment needs at least one container");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < containers.Count; i++)
            Container(sink, $"spec.template.spec.containers[{i}]", containers[i], names);
        if (spec.Template?.Spec?.ServiceAccountName is { } sa && Names.Dns1123Subdomain(sa) is { } saProblem)
            sink.Error("spec.template.spec.serviceAccountName", saProblem);
    }

    private static void Container(ValidationSink sink, string path, Container container, HashSet<string> names)
    {
        if (string.IsNullOrEmpty(container.Name)) sink.Error($"{path}.name", "missing required field");
        else if (Names.Dns1123Label(container.Name) is { } problem) sink.Error($"{path}.name", problem);
        else if (!names.Add(container.Name)) sink.Error($"{path}.name", $"duplicate container name \"{container.Name}\"");
        for (var i = 0; i < (container.Ports?.Count ?? 0); i++)
            sink.Port($"{path}.ports[{i}].containerPort", container.Ports![i].ContainerPort, required: true);
        for (var i = 0; i < (container.Env?.Count ?? 0); i++)
        {
            var env = container.Env![i];
            if (string.IsNullOrEmpty(env.Name)) sink.Error($"{path}.env[{i}].name", "missing required field");
            if (env.Value is not null && env.ValueFrom is not null) sink.Error($"{path}.env[{i}]", "set only one of value or valueFrom");
        }
        Probe(sink, $"{path}.readinessProbe", container.ReadinessProbe);
        Probe(sink, $"{path}.livenessProbe", container.LivenessProbe);
        Probe(sink, $"{path}.startupProbe", container.StartupProbe);
    }

    private static void Probe(ValidationSink sink, string path, Probe? probe)
    {
        if (probe is null) return;
        var handlers = new object?[] { probe.HttpGet, probe.TcpSocket, probe.Exec, probe.Grpc }.Count(h => h is not null);
        if (handlers != 1) sink.Error(path, "set exactly one of httpGet, tcpSocket, exec or grpc");
        if (probe.HttpGet?.Port?.Int is { } httpPort) sink.Port($"{path}.httpGet.port", httpPort);
        else if (probe.HttpGet is not null && probe.HttpGet.Port is null) sink.Error($"{path}.httpGet.port", "missing required field");
        if (probe.TcpSocket?.Port?.Int is { } tcpPort) sink.Port($"{path}.tcpSocket.port", tcpPort);
        if (probe.Exec is { Command: not { Count: > 0 } }) sink.Error($"{path}.exec.command", "missing required field");
        sink.NotNegative($"{path}.initialDelaySeconds", probe.InitialDelaySeconds);
        if (probe.PeriodSeconds is < 1) sink.Error($"{path}.periodSeconds", "must be at least 1");
        if (probe.TimeoutSeconds is < 1) sink.Error($"{path}.timeoutSeconds", "must be at least 1");
        if (probe.FailureThreshold is < 1) sink.Error($"{path}.failureThreshold", "must be at least 1");
        if (probe.SuccessThreshold is < 1) sink.Error($"{path}.successThreshold", "must be at least 1");
    }
}
