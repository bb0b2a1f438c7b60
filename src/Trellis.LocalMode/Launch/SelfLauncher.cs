using System.Diagnostics;
using System.Reflection;

namespace Trellis.LocalMode;

/// <summary>Starts another `trellis` process (control plane, proxy) from the same build as this one.</summary>
internal static class SelfLauncher
{
    public static ProcessStartInfo Create(params IEnumerable<string> args)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.FileName = host;
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        else
        {
            start.FileName = host;
        }
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }
}
