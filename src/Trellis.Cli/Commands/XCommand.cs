using System.CommandLine;
using Trellis.Cli.Authorization;
using Trellis.Cli.Describe;
using Trellis.Cli.Output;
using Trellis.Config;
using Trellis.LocalMode;

namespace Trellis.Cli.Commands;

/// <summary>`trellis x ...`: experimental verbs, as istioctl's <c>x</c>. `x describe pod POD` shows the Services
/// and ports that reach a pod, the routing and DestinationRules that apply, and the mutual TLS mode per port with
/// the PeerAuthentication that decided it.</summary>
internal static class XCommand
{
    public static Command Create() => new("x", "Experimental commands") { Describe(), AuthzCommand.Create() };

    private static Command Describe()
    {
        var kind = new Argument<string>("kind") { Description = "pod" };
        kind.AcceptOnlyFromAmong("pod", "pods", "po");
        var target = new Argument<string>("pod") { Description = "POD or deploy/NAME" };
        var ns = CommonOptions.Namespace();
        var output = CommonOptions.Output();
        var command = new Command("describe", "Describe a pod's services, routing, mutual TLS and authorization") { kind, target, ns, output };
        command.SetAction(async (result, ct) =>
        {
            if (!MeshCommandContext.TryGetRunning(result, out var home, out var state)) return 1;
            var pod = PodSelector.Find(home, result.GetValue(target)!, result.GetValue(ns) ?? "default");
            if (pod is null) return 1;
            using var client = new ControlPlaneClient(home, state);
            IReadOnlyList<Trellis.ControlPlane.Api.ResourceDto> stored;
            try
            {
                stored = await client.ResourcesAsync(null, null, ct);
            }
            catch (ControlPlaneRefusedException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            // Creation order decides precedence (the oldest PeerAuthentication or DestinationRule wins).
            var ordered = stored.OrderBy(o => o.Applied).ThenBy(o => o.Name, StringComparer.Ordinal).ThenBy(o => o.Namespace, StringComparer.Ordinal).ToList();
            var resources = ConfigLoader.LoadFiles(ordered.Select(o => ($"{o.Kind}/{o.Namespace}/{o.Name}", o.Yaml))).Resources;
            if (await ProxyAdmin.ConfigDumpAsync(pod.Name, pod.AdminPort, ct) is not { } dump) return 1;
            var description = PodDescriber.Describe(pod, resources, PoliciesInEffect.Read(dump));
            var format = result.GetValue(output)!;
            if (format is "json" or "yaml") Printer.Structured(description, format);
            else PodDescriptionText.Print(description);
            return 0;
        });
        return command;
    }
}
