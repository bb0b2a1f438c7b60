using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.Upstreams.Http.V3;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Trellis.Xds;

/// <summary>Packs and unpacks the google.protobuf.Any values that carry xDS resources and typed configs.</summary>
public static class XdsAny
{
    /// <summary>Every message type of the Envoy subset, for unpacking an Any whose type is only known at run time.</summary>
    public static TypeRegistry Registry { get; } = TypeRegistry.FromFiles(
        ListenerReflection.Descriptor,
        RouteReflection.Descriptor,
        ClusterReflection.Descriptor,
        EndpointReflection.Descriptor,
        HttpConnectionManagerReflection.Descriptor,
        RouterReflection.Descriptor,
        HttpProtocolOptionsReflection.Descriptor,
        Envoy.Extensions.Filters.Http.Fault.V3.FaultReflection.Descriptor,
        Envoy.Extensions.AccessLoggers.Stream.V3.StreamReflection.Descriptor,
        Envoy.Extensions.AccessLoggers.File.V3.FileReflection.Descriptor,
        Envoy.Extensions.Filters.Listener.TlsInspector.V3.TlsInspectorReflection.Descriptor,
        Envoy.Extensions.Filters.Listener.HttpInspector.V3.HttpInspectorReflection.Descriptor,
        Envoy.Extensions.TransportSockets.RawBuffer.V3.RawBufferReflection.Descriptor,
        Envoy.Extensions.TransportSockets.Tls.V3.CommonReflection.Descriptor,
        Envoy.Extensions.TransportSockets.Tls.V3.TlsReflection.Descriptor,
        Envoy.Extensions.TransportSockets.Tls.V3.SecretReflection.Descriptor,
        Envoy.Service.Secret.V3.SdsReflection.Descriptor,
        Envoy.Config.Core.V3.HttpUriReflection.Descriptor,
        Envoy.Type.V3.RangeReflection.Descriptor,
        Envoy.Type.V3.HttpStatusReflection.Descriptor,
        Envoy.Type.Http.V3.PathTransformationReflection.Descriptor,
        Envoy.Type.Matcher.V3.PathReflection.Descriptor,
        Envoy.Type.Matcher.V3.MetadataReflection.Descriptor,
        Envoy.Type.Matcher.V3.ValueReflection.Descriptor,
        Envoy.Type.Matcher.V3.NumberReflection.Descriptor,
        Envoy.Config.Rbac.V3.RbacReflection.Descriptor,
        Envoy.Extensions.Filters.Http.Rbac.V3.RbacReflection.Descriptor,
        Envoy.Extensions.Filters.Network.Rbac.V3.RbacReflection.Descriptor,
        Envoy.Extensions.Filters.Http.JwtAuthn.V3.ConfigReflection.Descriptor,
        Envoy.Extensions.Filters.Http.ExtAuthz.V3.ExtAuthzReflection.Descriptor,
        Envoy.Extensions.Filters.Network.TcpProxy.V3.TcpProxyReflection.Descriptor,
        Envoy.Extensions.AccessLoggers.Filters.Cel.V3.CelReflection.Descriptor,
        Envoy.Config.Trace.V3.OpentelemetryReflection.Descriptor,
        Envoy.Config.Trace.V3.ZipkinReflection.Descriptor,
        Envoy.Extensions.RequestId.Uuid.V3.UuidReflection.Descriptor,
        Trellis.Stats.V1.StatsReflection.Descriptor,
        StructReflection.Descriptor);

    /// <summary>Wraps a message with its type.googleapis.com/ type URL, as Envoy expects.</summary>
    /// <remarks>Unlike <see cref="Any.Pack(IMessage)"/>, every Any of a type shares one type URL string: a large mesh's
    /// translated clusters and listeners carry tens of thousands of typed configs.</remarks>
    public static Any Pack(IMessage message) => new() { TypeUrl = TypeUrls.Of(message.Descriptor), Value = message.ToByteString() };

    /// <summary>Decodes an Any of a known type; throws ArgumentException for an unknown type, InvalidProtocolBufferException for bad bytes.</summary>
    public static IMessage Unpack(Any any) =>
        any.Unpack(Registry) ?? throw new ArgumentException($"unknown xDS type {any.TypeUrl}", nameof(any));

    /// <summary>Decodes an Any as <typeparamref name="T"/>, or returns null when it holds another type.</summary>
    public static T? UnpackAs<T>(Any? any) where T : class, IMessage<T>, new() =>
        any is not null && any.TryUnpack<T>(out var message) ? message : null;
}
