using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Trellis.Xds.Server;

/// <summary>Registers and maps the ADS server in an ASP.NET Core host.</summary>
public static class XdsServerExtensions
{
    /// <summary>Bound on one gRPC message: an xDS response of a large mesh stays far below it. ADS's requests have a
    /// tighter bound (<see cref="XdsLimits.MaxRequestBytes"/>).</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>Adds gRPC, the snapshot cache, the connection registry and the bound on concurrent sends.</summary>
    public static IServiceCollection AddTrellisXdsServer(this IServiceCollection services)
    {
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = MaxMessageBytes;
            o.MaxSendMessageSize = MaxMessageBytes;
        }).AddServiceOptions<AggregatedDiscoveryServiceImpl>(o => o.MaxReceiveMessageSize = XdsLimits.MaxRequestBytes);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<AggregatedDiscoveryServiceImpl>, AdsMethodProvider>());
        services.AddSingleton<XdsSnapshotCache>();
        services.AddSingleton<XdsConnectionRegistry>();
        services.AddSingleton<XdsSendGate>();
        return services;
    }

    /// <summary>Maps envoy.service.discovery.v3.AggregatedDiscoveryService.</summary>
    public static IEndpointRouteBuilder MapTrellisXds(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<AggregatedDiscoveryServiceImpl>();
        return endpoints;
    }
}
