using System.CommandLine;
using Trellis.Cli.Authorization;
using Trellis.Cli.Output;

namespace Trellis.Cli.Commands;

/// <summary>`trellis x authz check POD [-n NS] [-o json|yaml]`: the AuthorizationPolicies a workload's proxy
/// enforces, with their action and rules, read from the proxy itself, like `istioctl x authz check`.</summary>
internal static class AuthzCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("pod") { Description = "POD, deploy/NAME or istio-ingressgateway" };
        var ns = CommonOptions.Namespace();
        var output = CommonOptions.Output();
        var check = new Command("check", "List the authorization policies and rules a workload's proxy enforces") { target, ns, output };
        check.SetAction(async (result, ct) =>
        {
            if (!MeshCommandContext.TryGetRunning(result, out var home, out var state)) return 1;
            var name = result.GetValue(target)!;
            if (ProxyAdmin.PortOf(home, state, name, result.GetValue(ns)) is not { } adminPort) return 1;
            if (await ProxyAdmin.ConfigDumpAsync(name, adminPort, ct) is not { } dump) return 1;
            var policies = PoliciesInEffect.Read(dump);
            var format = result.GetValue(output)!;
            if (format is "json" or "yaml")
            {
                Printer.Structured(policies, format);
                return 0;
            }
            Print(policies, format == "wide");
            return 0;
        });
        var authz = new Command("authz", "Inspect authorization (AuthorizationPolicy) as proxies enforce it") { check };
        return authz;
    }

    /// <summary>The table `x authz check` prints; also what `x describe pod` shows under its policies.</summary>
    public static void Print(IReadOnlyList<PolicyInEffect> policies, bool wide = false)
    {
        if (policies.Count == 0)
        {
            Console.WriteLine("No AuthorizationPolicy applies: every request is allowed (unless another policy kind denies it).");
            return;
        }
        string[] headers = wide ? ["action", "authorization policy", "http rules", "tcp rules", "notes"] : ["action", "authorization policy", "rules", "notes"];
        Printer.Table(headers, policies.Select(p =>
        {
            var action = p.Action + (p.Provider is { } provider && p.Note is null ? $" ({provider})" : "") + (p.DryRun ? " (dry-run)" : "");
            var notes = p.Note ?? (p.TcpRules.Count < p.HttpRules.Count && p.Action == "ALLOW" ? "some rules are HTTP only: they never allow TCP traffic" : "");
            return wide
                ? (IReadOnlyList<string>)[action, $"{p.Namespace}/{p.Name}", Rules(p.HttpRules), Rules(p.TcpRules), notes]
                : [action, $"{p.Namespace}/{p.Name}", Rules(p.HttpRules.Union(p.TcpRules).Order().ToList()), notes];
        }));
    }

    private static string Rules(IReadOnlyList<int> rules) => rules.Count == 0 ? "-" : string.Join(",", rules.Select(r => $"rule[{r}]"));
}
