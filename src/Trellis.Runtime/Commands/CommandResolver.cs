namespace Trellis.Runtime;

/// <summary>Finds the executable a container command names, the way a shell would.</summary>
public static class CommandResolver
{
    /// <summary>Absolute paths as given, relative paths with a '/' against <paramref name="workingDirectory"/>,
    /// bare names on PATH; null when no executable file is found.</summary>
    public static string? Resolve(string command, string workingDirectory)
    {
        if (string.IsNullOrWhiteSpace(command)) return null;
        if (Path.IsPathRooted(command)) return IsExecutable(command) ? command : null;
        if (command.Contains('/'))
        {
            var full = Path.GetFullPath(Path.Combine(string.IsNullOrEmpty(workingDirectory) ? Environment.CurrentDirectory : workingDirectory, command));
            return IsExecutable(full) ? full : null;
        }
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, command);
            if (IsExecutable(candidate)) return Path.GetFullPath(candidate);
        }
        return null;
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
