using Envoy.Extensions.Filters.Http.JwtAuthn.V3;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Trellis.Proxy.HttpFilters.JwtAuthn;

/// <summary>Envoy's JWT authentication filter, taking a JwtAuthentication.</summary>
internal sealed class JwtAuthnFilterFactory : HttpFilterFactory
{
    public override string Name => JwtAuthnPolicy.FilterName;
    public override IReadOnlyList<MessageDescriptor> ConfigTypes { get; } = [JwtAuthentication.Descriptor];

    public override object Compile(IMessage config, string where) => JwtAuthnPolicy.From((JwtAuthentication)config, where);

    public override IHttpFilter Create(HttpFilterModel filter, HttpFilterServices services) => new JwtAuthnFilter((JwtAuthnPolicy)filter.Config);
}
