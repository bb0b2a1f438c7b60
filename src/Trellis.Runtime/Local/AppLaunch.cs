using System.Diagnostics;

namespace Trellis.Runtime;

/// <summary>How a pod's app container is started: resolved executable, expanded arguments and the environment.</summary>
internal sealed record AppLaunch(string Executable, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, string WorkingDirectory)
{
    /// <summary>Builds the launch, or says why the container cannot run (checked before anything starts).</summary>
    public static AppLaunch? Build(ContainerSpec container, PodState pod, string marker, out string? error)
    {
        if (container.Command.Count == 0)
        {
            error = $"container {container.Name} has no command: local mode runs `command` and `args` as a process (there is no image entrypoint)";
            return null;
        }
        var environment = BuildEnvironment(container, pod);
        environment[LeftoverProcesses.MarkerVariable] = marker;
        var command = container.Command.Concat(container.Args).Select(a => VariableExpander.Expand(a, environment)).ToList();
        var (executable, lookupError) = CommandResolver.Lookup(command[0], container.WorkingDirectory);
        if (executable is null)
        {
            error = lookupError;
            return null;
        }
        error = null;
        return new AppLaunch(executable, command[1..], environment, container.WorkingDirectory);
    }

    /// <summary>The container's env (with kubelet's <c>$(VAR)</c> expansion), then what local mode defines, which
    /// wins: <c>PORT</c> is the allocated port whatever the manifest says, and the pod's identity and outbound
    /// capture are what the downward API and istio-init would have supplied.</summary>
    private static Dictionary<string, string> BuildEnvironment(ContainerSpec container, PodState pod)
    {
        var local = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PORT"] = pod.AppPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POD_NAME"] = pod.Name,
            ["POD_NAMESPACE"] = pod.Namespace,
            ["HOSTNAME"] = pod.Name,
            ["SERVICE_ACCOUNT"] = pod.ServiceAccount,
            ["INSTANCE_IP"] = pod.Ip,
        };
        foreach (var (name, value) in OutboundCapture.Environment(pod.OutboundPort)) local[name] = value;
        var environment = VariableExpander.ExpandEnvironment(container.Env, local);
        foreach (var (name, value) in local) environment[name] = value;
        return environment;
    }

    /// <summary>A fresh start info (each start needs its own: the launcher edits it).</summary>
    public ProcessStartInfo ToStartInfo()
    {
        var start = new ProcessStartInfo(Executable) { UseShellExecute = false, WorkingDirectory = WorkingDirectory };
        foreach (var argument in Arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in Environment) start.Environment[name] = value;
        return start;
    }
}
