namespace Trellis.Runtime.Tests;

/// <summary>A throw-away mesh home (and scratch folder) per test.</summary>
internal sealed class TestHome : IDisposable
{
    public TestHome()
    {
        Root = Path.Combine(Path.GetTempPath(), "trellis-runtime-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>The home's layout, for what the runtime writes into it.</summary>
    public MeshHome Mesh => new(Root);

    public string File(string name) => Path.Combine(Root, name);

    /// <summary>Writes an executable /bin/sh script under the home.</summary>
    public string Script(string relativePath, string body)
    {
        var path = File(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A log still being flushed by a dying process; the temp folder is cleaned by the OS eventually.
        }
    }
}
