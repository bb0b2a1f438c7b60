using System.Diagnostics;

namespace Trellis.Runtime;

/// <summary>How a pod's app container becomes a process: resolved command, expanded args, and the pod environment.</summary>
internal sealed record AppLaunch(string Executable, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, string WorkingDirectory)
{
    /// <summary>Null with an error when the command cannot be run at all.</summary>
    public static AppLaunch? Create(ContainerSpec container, PodState pod, out string error)
    {
        var injected = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PORT"] = pod.AppPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POD_NAME"] = pod.Name,
            ["POD_NAMESPACE"] = pod.Namespace,
            ["HOSTNAME"] = pod.Name,
            ["SERVICE_ACCOUNT"] = pod.ServiceAccount,
            ["INSTANCE_IP"] = pod.Ip,
        };
        var containerEnv = VariableExpander.ExpandEnvironment(container.Env, injected);
        var variables = new Dictionary<string, string>(injected, StringComparer.Ordinal);
        foreach (var (key, value) in containerEnv) variables[key] = value;

        var environment = new Dictionary<string, string>(containerEnv, StringComparer.Ordinal);
        foreach (var (key, value) in injected) environment[key] = value;
        foreach (var (key, value) in OutboundCapture.Environment(pod.OutboundPort)) environment[key] = value;

        var commandLine = container.Command.Concat(container.Args).Select(a => VariableExpander.Expand(a, variables)).ToList();
        var workingDirectory = string.IsNullOrEmpty(container.WorkingDirectory) ? System.Environment.CurrentDirectory : container.WorkingDirectory;
        if (commandLine.Count == 0)
        {
            error = $"container {container.Name} has no command";
            return null;
        }
        if (CommandResolver.Resolve(commandLine[0], workingDirectory) is not { } executable)
        {
            error = $"command not found: {commandLine[0]}";
            return null;
        }
        error = "";
        return new AppLaunch(executable, commandLine.Skip(1).ToList(), environment, workingDirectory);
    }

    public ProcessStartInfo StartInfo()
    {
        var start = new ProcessStartInfo(Executable) { UseShellExecute = false, WorkingDirectory = WorkingDirectory };
        foreach (var arg in Arguments) start.ArgumentList.Add(arg);
        foreach (var (key, value) in Environment) start.Environment[key] = value;
        return start;
    }
}
