using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Trellis.Proxy.Forwarding;

/// <summary>Obtains YARP's <see cref="IHttpForwarder"/> (it is only published through DI).</summary>
internal static class ForwarderFactory
{
    public static IHttpForwarder Create(ILoggerFactory loggers)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggers);
        services.AddLogging();
        services.AddHttpForwarder();
        // The provider must outlive the forwarder; the forwarder lives as long as the process.
        return services.BuildServiceProvider().GetRequiredService<IHttpForwarder>();
    }
}
