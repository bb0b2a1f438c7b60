using Google.Protobuf;

namespace Trellis.Xds.Client;

/// <summary>Decodes resource bytes received from a control plane.</summary>
public static class ResourceDecoder
{
    /// <summary>The decoded resource, or false with the reason when the bytes do not decode. Google.Protobuf reports
    /// some malformed inputs (a wrapper field cut short by an end-group tag) as InvalidOperationException rather
    /// than InvalidProtocolBufferException; both are the sender's error, to be NACKed.</summary>
    public static bool TryDecode(MessageParser parser, ByteString bytes, out IMessage? message, out string? error)
    {
        try
        {
            message = parser.ParseFrom(bytes);
            error = null;
            return true;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidOperationException)
        {
            (message, error) = (null, e.Message);
            return false;
        }
    }
}
