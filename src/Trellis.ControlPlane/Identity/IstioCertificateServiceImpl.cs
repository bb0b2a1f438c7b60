using Grpc.Core;
using Istio.V1.Auth;
using Microsoft.Extensions.Logging;

namespace Trellis.ControlPlane.Identity;

/// <summary>Istio's <c>istio.v1.auth.IstioCertificateService/CreateCertificate</c>: a workload sends a CSR with its pod
/// token and receives a certificate for the identity the token proves, never any other.</summary>
internal sealed class IstioCertificateServiceImpl(
    CertificateAuthority ca,
    PodTokenAuthority tokens,
    Func<string> trustDomain,
    ILogger<IstioCertificateServiceImpl> logger) : IstioCertificateService.IstioCertificateServiceBase
{
    public override Task<IstioCertificateResponse> CreateCertificate(IstioCertificateRequest request, ServerCallContext context)
    {
        WorkloadIdentity identity;
        try
        {
            identity = CallerCredential.Authenticate(context, tokens);
        }
        catch (RpcException e)
        {
            logger.LogWarning("certificate request from {Peer} refused: {Reason}", context.Peer, e.Status.Detail);
            throw;
        }
        var domain = trustDomain();
        try
        {
            var chain = ca.Sign(request.Csr, identity, domain, TimeSpan.FromSeconds(Math.Clamp(request.ValidityDuration, 0, (long)TimeSpan.MaxValue.TotalSeconds / 2)));
            logger.LogInformation("issued a certificate for {Identity} (pod {Namespace}/{Pod})", identity.SpiffeId(domain), identity.Namespace, identity.Pod);
            var response = new IstioCertificateResponse();
            response.CertChain.AddRange(chain);
            return Task.FromResult(response);
        }
        catch (CsrRefusedException e)
        {
            logger.LogWarning("certificate request of pod {Namespace}/{Pod} refused: {Reason}", identity.Namespace, identity.Pod, e.Message);
            throw new RpcException(new Status(e.IdentityMismatch ? StatusCode.PermissionDenied : StatusCode.InvalidArgument, e.Message));
        }
        catch (IdentityConfigurationException e)
        {
            // The CA itself can no longer sign: every proxy's renewal fails until an operator acts, so say it loudly.
            logger.LogError("cannot sign certificates: {Reason}", e.Message);
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
    }
}
