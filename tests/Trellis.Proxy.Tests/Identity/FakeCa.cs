using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Istio.V1.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Trellis.Proxy.Tests.Identity;

/// <summary>A stand-in for the control plane's IstioCertificateService: checks the bearer token, signs the CSR's key
/// with a throw-away root for <see cref="Lifetime"/>, and can be told to fail.</summary>
internal sealed class FakeCa : IstioCertificateService.IstioCertificateServiceBase, IAsyncDisposable
{
    public const string Token = "pod-token";
    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private WebApplication? _app;

    public FakeCa()
    {
        var request = new CertificateRequest("CN=Fake Root", _rootKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        Root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public X509Certificate2 Root { get; }
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(4);
    public volatile bool Failing;
    public int Issued;
    public Uri Address { get; private set; } = null!;

    public override Task<IstioCertificateResponse> CreateCertificate(IstioCertificateRequest request, ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue("authorization") != "Bearer " + Token) throw new RpcException(new Status(StatusCode.Unauthenticated, "no token"));
        if (Failing) throw new RpcException(new Status(StatusCode.Unavailable, "CA down for the test"));
        var csr = CertificateRequest.LoadSigningRequestPem(request.Csr, HashAlgorithmName.SHA256);
        var leaf = new CertificateRequest(new X500DistinguishedName(""), csr.PublicKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri("spiffe://cluster.local/ns/bookinfo/sa/reviews"));
        leaf.CertificateExtensions.Add(names.Build(true));
        var now = DateTimeOffset.UtcNow;
        using var cert = leaf.Create(Root.SubjectName, X509SignatureGenerator.CreateForECDsa(_rootKey), now.AddSeconds(-1), now + Lifetime,
            BitConverter.GetBytes(Interlocked.Increment(ref Issued) + 1000L));
        var response = new IstioCertificateResponse();
        response.CertChain.Add(cert.ExportCertificatePem());
        response.CertChain.Add(Root.ExportCertificatePem());
        return Task.FromResult(response);
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        _app = builder.Build();
        _app.MapGrpcService<FakeCa>();
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        _rootKey.Dispose();
        Root.Dispose();
    }
}
