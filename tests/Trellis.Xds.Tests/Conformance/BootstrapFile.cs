using System.Text.Json;
using System.Text.Json.Nodes;

namespace Trellis.Xds.Tests.Conformance;

/// <summary>A temporary gRPC xDS bootstrap file (GRPC_XDS_BOOTSTRAP) pointing at our ADS server on 127.0.0.1.</summary>
internal sealed class BootstrapFile : IDisposable
{
    public BootstrapFile(int adsPort, string nodeId)
    {
        var bootstrap = new JsonObject
        {
            ["xds_servers"] = new JsonArray(new JsonObject
            {
                ["server_uri"] = $"127.0.0.1:{adsPort}",
                ["channel_creds"] = new JsonArray(new JsonObject { ["type"] = "insecure" }),
                ["server_features"] = new JsonArray("xds_v3"),
            }),
            ["node"] = new JsonObject
            {
                ["id"] = nodeId,
                ["cluster"] = "conformance.bookinfo",
                ["locality"] = new JsonObject { ["region"] = "local" },
                ["metadata"] = new JsonObject
                {
                    ["NAMESPACE"] = "bookinfo",
                    ["GENERATOR"] = "grpc",
                    ["LABELS"] = new JsonObject { ["app"] = "conformance", ["version"] = "v1" },
                },
            },
        };
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"trellis-xds-bootstrap-{Guid.NewGuid():N}.json");
        File.WriteAllText(Path, bootstrap.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
