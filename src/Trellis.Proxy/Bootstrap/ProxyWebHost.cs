using Microsoft.AspNetCore.Builder;

namespace Trellis.Proxy.Bootstrap;

/// <summary>The ASP.NET Core host each listener and the admin endpoint run in.</summary>
internal static class ProxyWebHost
{
    /// <summary>A slim builder that does not watch configuration files. The proxy reads no appsettings, yet the
    /// default watches its working directory recursively for them, in every listener's host: in a local mesh
    /// that is the whole checkout (thousands of inotify watches per sidecar, a watcher thread each, and work on
    /// every file a build writes).</summary>
    public static WebApplicationBuilder CreateBuilder() =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
}
