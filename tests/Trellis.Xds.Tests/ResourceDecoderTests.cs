using Envoy.Config.Cluster.V3;
using Google.Protobuf;
using Trellis.Xds.Client;

namespace Trellis.Xds.Tests;

public sealed class ResourceDecoderTests
{
    [Fact]
    public void Resource_bytes_that_do_not_decode_give_a_reason_not_an_exception()
    {
        // Found by the proxy's xDS fuzzer: a cluster whose wrapper field ends in an end-group tag, on which
        // Google.Protobuf throws InvalidOperationException; the ADS client must NACK it, not drop its stream.
        var cluster = Convert.FromBase64String(
            "CjFvdXRib3VuZHw5MDgwfHxyZXZpZXdzLmJvb2tpbmZvLnN2Yy5jbHVzdGVyLmxvY2FsEAMaNwoCGgASMW91dGJvdW5kfDkwODB8fHJldmlld3MuYm9va2luZm8uc3ZjLmNsdXN0ZXIubG9jYWwiAggCMAJSEgoQEgIIChoCCAoiAggKCAMSAggKGgIIHiICCDLKAXkKdwoFaXN0aW8SbgpsCghzZXJ2aWNlcxJgMl4KXCpaCiwKBGhvc3QSJBoicmV2aWV3cy5ib29raW5mby5zdmMuY2x1c3Rlci5sb2NhbAoRCg==");

        Assert.False(ResourceDecoder.TryDecode(Cluster.Parser, ByteString.CopyFrom(cluster), out var message, out var error));
        Assert.Null(message);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.False(ResourceDecoder.TryDecode(Cluster.Parser, ByteString.CopyFrom(0x0a, 0x05, 0x61), out _, out var truncated));
        Assert.Contains("truncated", truncated);
        Assert.True(ResourceDecoder.TryDecode(Cluster.Parser, new Cluster { Name = "c" }.ToByteString(), out var decoded, out _));
        Assert.Equal("c", ((Cluster)decoded!).Name);
    }
}
