namespace Trellis.Runtime;

/// <summary>Finds the executable a container command names, the way a shell would.</summary>
public static class CommandResolver
{
    /// <summary>Absolute paths as given, relative paths with a '/' against <paramref name="workingDirectory"/>,
    /// bare names on PATH; null when no executable file is found.</summary>
    public static string? Resolve(string command, string workingDirectory) => Lookup(command, workingDirectory).Path;

    /// <summary>Like <see cref="Resolve"/>, with the reason when nothing is found
    /// ("command not found: /abs/bin/app", "command is not executable: ...").</summary>
    public static (string? Path, string? Error) Lookup(string command, string workingDirectory)
    {
        if (string.IsNullOrWhiteSpace(command)) return (null, "empty command");
        if (Path.IsPathRooted(command) || command.Contains('/'))
        {
            var baseDirectory = string.IsNullOrEmpty(workingDirectory) ? Environment.CurrentDirectory : workingDirectory;
            var full = Path.GetFullPath(Path.Combine(baseDirectory, command));
            if (!File.Exists(full)) return (null, $"command not found: {full}");
            return IsExecutable(full) ? (full, null) : (null, $"command is not executable: {full} (chmod +x it)");
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, command);
            if (IsExecutable(candidate)) return (Path.GetFullPath(candidate), null);
        }
        return (null, $"command not found: {command} (searched PATH)");
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
