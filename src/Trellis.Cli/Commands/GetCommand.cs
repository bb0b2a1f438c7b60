using System.CommandLine;
using System.Text.Json;
using Trellis.Cli.Output;
using Trellis.ControlPlane.Api;
using Trellis.LocalMode;
using Trellis.Runtime;
using YamlDotNet.Serialization;

namespace Trellis.Cli.Commands;

/// <summary>`trellis get KIND [NAME] [-n NS | -A] [-o wide|json|yaml]`.</summary>
internal static class GetCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = "pods, services, virtualservices, destinationrules, gateways, deployments, ..." };
        var name = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne };
        var ns = CommonOptions.Namespace();
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "List across all namespaces" };
        var output = CommonOptions.Output();
        var command = new Command("get", "List pods and configuration objects of the running mesh") { kind, name, ns, all, output };
        command.SetAction(async (result, ct) =>
        {
            var resolved = ResourceKinds.Resolve(result.GetValue(kind)!);
            if (resolved is null)
            {
                Console.Error.WriteLine($"error: the server doesn't have a resource type \"{result.GetValue(kind)}\" (known: {string.Join(", ", ResourceKinds.Known)})");
                return 1;
            }
            if (!MeshCommandContext.TryGetRunning(result, out var home, out var state)) return 1;
            var namespaceFilter = result.GetValue(all) || ResourceKinds.IsClusterScoped(resolved) ? null : result.GetValue(ns) ?? "default";
            var format = result.GetValue(output)!;
            var objectName = result.GetValue(name);
            if (resolved == "Pod")
                return PrintPods(home, namespaceFilter, objectName, format);

            using var client = new ControlPlaneClient(home, state);
            List<ResourceDto> objects;
            try
            {
                objects = (await client.ResourcesAsync(resolved, namespaceFilter, ct)).Where(o => objectName is null || o.Name == objectName).ToList();
            }
            catch (ControlPlaneRefusedException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            if (objectName is not null && objects.Count == 0)
            {
                Console.Error.WriteLine($"Error from server (NotFound): {result.GetValue(kind)} \"{objectName}\" not found");
                return 1;
            }
            if (format is "json" or "yaml")
            {
                PrintObjects(objects, format);
                return 0;
            }
            if (objects.Count == 0)
            {
                Console.Error.WriteLine(namespaceFilter is null ? "No resources found" : $"No resources found in {namespaceFilter} namespace.");
                return 0;
            }
            var wide = format == "wide";
            Printer.Table(
                namespaceFilter is null ? ["namespace", "name", "age", .. (wide ? new[] { "source" } : [])] : ["name", "age", .. (wide ? new[] { "source" } : [])],
                objects.Select(o => (IReadOnlyList<string>)[
                    .. (namespaceFilter is null ? new[] { o.Namespace } : []), o.Name, Age.Format(o.Applied), .. (wide ? new[] { o.Source } : [])]));
            return 0;
        });
        return command;
    }

    private static int PrintPods(MeshHome home, string? ns, string? name, string format)
    {
        var pods = PodStateStore.Read(home)
            .Where(p => (ns is null || p.Namespace == ns) && (name is null || p.Name == name))
            .OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (format is "json" or "yaml")
        {
            Printer.Structured(pods, format);
            return 0;
        }
        if (pods.Count == 0)
        {
            Console.Error.WriteLine(ns is null ? "No resources found" : $"No resources found in {ns} namespace.");
            return name is null ? 0 : 1;
        }
        var wide = format == "wide";
        var headers = new List<string>();
        if (ns is null) headers.Add("namespace");
        headers.AddRange(["name", "ready", "status", "restarts", "age"]);
        if (wide) headers.AddRange(["ip", "app port", "inbound", "outbound", "admin"]);
        Printer.Table(headers, pods.Select(p =>
        {
            var row = new List<string>();
            if (ns is null) row.Add(p.Namespace);
            row.AddRange([p.Name, p.Ready ? "2/2" : p.SidecarReady ? "1/2" : "0/2", p.Phase, p.Restarts.ToString(), Age.Format(p.StartedAt)]);
            if (wide) row.AddRange([p.Ip, p.AppPort.ToString(), p.InboundPort.ToString(), p.OutboundPort.ToString(), p.AdminPort.ToString()]);
            return (IReadOnlyList<string>)row;
        }));
        return 0;
    }

    /// <summary>-o yaml prints exactly what was applied; -o json converts the same documents.</summary>
    private static void PrintObjects(IReadOnlyList<ResourceDto> objects, string format)
    {
        if (format == "yaml")
        {
            Console.Write(string.Join("---\n", objects.Select(o => o.Yaml.EndsWith('\n') ? o.Yaml : o.Yaml + "\n")));
            return;
        }
        var deserializer = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build();
        var items = objects.Select(o => Plain(deserializer.Deserialize<object>(o.Yaml))).ToList();
        object value = items.Count == 1 ? items[0]! : new Dictionary<string, object?> { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items };
        Console.WriteLine(JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>YamlDotNet yields object-keyed dictionaries; JSON needs string keys.</summary>
    private static object? Plain(object? node) => node switch
    {
        IDictionary<object, object?> map => map.ToDictionary(kv => Convert.ToString(kv.Key, System.Globalization.CultureInfo.InvariantCulture)!, kv => Plain(kv.Value)),
        IList<object?> list => list.Select(Plain).ToList(),
        _ => node,
    };
}
