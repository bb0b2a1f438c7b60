using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Trellis.Config.Loading;
using Trellis.ControlPlane.Inputs;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Identity;

/// <summary>Wires the CA, pod-token verification and xDS client authentication into the control plane's host.</summary>
internal static class IdentityServices
{
    /// <summary>Starts the CA now, so a broken cacerts folder or key stops the control plane at start with the reason.</summary>
    public static IServiceCollection AddTrellisIdentity(this IServiceCollection services, IdentityOptions options, IConfigSource config, IWorkloadSource workloads)
    {
        string TrustDomain() => MeshConfigReader.Settings(config.Resources).TrustDomain;
        var ca = CertificateAuthority.Create(options, TrustDomain(), TimeProvider.System);
        var tokens = PodTokenAuthority.Load(options.TokenKeyPath);
        services.AddSingleton(ca);
        services.AddSingleton(tokens);
        services.AddSingleton<IXdsClientAuthenticator>(new XdsNodeAuthenticator(tokens, workloads));
        services.AddSingleton(sp => new IstioCertificateServiceImpl(ca, tokens, TrustDomain, sp.GetRequiredService<ILogger<IstioCertificateServiceImpl>>()));
        return services;
    }

    public static IEndpointRouteBuilder MapTrellisIdentity(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<IstioCertificateServiceImpl>();
        return endpoints;
    }
}
