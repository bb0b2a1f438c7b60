namespace Trellis.ControlPlane.Identity;

/// <summary>Writes key material readable by its owner only (0600 from the first byte), replacing the file atomically.</summary>
internal static class PrivateFile
{
    public static void Write(string path, string text)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
                writer.Write(text);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Refuses key material others could have read: a key that leaked is no key.</summary>
    public static string ReadOwnerOnly(string path, string what)
    {
        if (!File.Exists(path)) throw new IdentityConfigurationException($"{path}: {what} is missing");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            throw new IdentityConfigurationException($"{path}: {what} is readable or writable by other users (chmod 600 it)");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IdentityConfigurationException($"{path}: cannot read {what}: {e.Message}", e);
        }
    }
}
