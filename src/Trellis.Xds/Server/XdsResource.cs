using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Trellis.Xds.Server;

/// <summary>One resource as a snapshot holds it: its name, its serialized bytes packed as the Any a response carries,
/// and a version derived from their SHA-256. The message it was serialized from is not kept: a message takes several
/// times its serialized size, and a control plane serving thousands of proxies holds every distinct resource.</summary>
public sealed class XdsResource
{
    // A message handed to a snapshot is not changed afterwards, so its bytes stay valid for as long as it lives; while
    // it does, every snapshot that is given it shares one serialization.
    private static readonly ConditionalWeakTable<IMessage, XdsResource> Serialized = new();

    private readonly byte[] _digest;

    private XdsResource(string name, Any packed, byte[] digest)
    {
        Name = name;
        Packed = packed;
        _digest = digest;
        Version = Convert.ToHexStringLower(digest.AsSpan(0, 8));
    }

    /// <summary>The name the resource is addressed by.</summary>
    public string Name { get; }

    /// <summary>The SHA-256 of the serialized resource: equal resources have equal digests, across recomputations and
    /// restarts alike.</summary>
    public ReadOnlySpan<byte> Digest => _digest;

    /// <summary>The version incremental xDS sends with the resource: it changes exactly when the bytes do.</summary>
    internal string Version { get; }

    /// <summary>The resource as a response carries it; never changed, so responses to many nodes share it.</summary>
    internal Any Packed { get; }

    internal ByteString Bytes => Packed.Value;

    /// <summary>The message type's short name ("Cluster").</summary>
    internal string TypeName => Packed.TypeUrl[(Packed.TypeUrl.LastIndexOf('.') + 1)..];

    /// <summary>The resource made from <paramref name="message"/>, serialized once per message instance.</summary>
    public static XdsResource Of(IMessage message) => Serialized.GetValue(message, static m =>
    {
        var bytes = m.ToByteString();
        return new XdsResource(TypeUrls.NameOf(m), new Any { TypeUrl = TypeUrls.Of(m.Descriptor), Value = bytes }, SHA256.HashData(bytes.Span));
    });

    /// <summary>A new message decoded from the bytes, for the rare reader of a resource's content.</summary>
    public T Message<T>() where T : IMessage<T>, new() => Packed.Unpack<T>();
}
