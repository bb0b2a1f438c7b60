using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Trellis.Proxy.Tests.Support;
using Trellis.Xds;
using Trellis.Xds.Server;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Static;

/// <summary>`trellis proxy -c` with dynamic_resources: the bootstrap's node fetches clusters over ADS from the server
/// its static xds_cluster names, and serves them beside its static ones.</summary>
public sealed class EnvoyBootstrapAdsTests
{
    [Fact]
    public async Task Clusters_from_the_ads_server_serve_beside_the_static_ones()
    {
        await using var v1 = await Upstream.StartAsync("api-v1");
        await using var v2 = await Upstream.StartAsync("api-v2");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var xdsPort = Ports.Free();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, xdsPort, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddTrellisXdsServer();
        await using var server = builder.Build();
        server.MapTrellisXds();
        server.Services.GetRequiredService<XdsSnapshotCache>().SetSnapshot("edge-1", new XdsSnapshot(new Dictionary<string, (string, IReadOnlyList<Google.Protobuf.IMessage>)>
        {
            [TypeUrls.Listener] = ("1", []),
            [TypeUrls.Cluster] = ("1", [Eds("from_ads")]),
            [TypeUrls.ClusterLoadAssignment] = ("1", [Endpoints("from_ads", v2.Port)]),
        }));
        await server.StartAsync();
        var port = Ports.Free();
        var path = Path.Combine(Path.GetTempPath(), $"trellis-ads-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, $$$"""
            node: {id: edge-1, cluster: edge}
            dynamic_resources:
              lds_config: {ads: {}}
              cds_config: {ads: {}}
              ads_config:
                api_type: GRPC
                transport_api_version: V3
                grpc_services:
                - envoy_grpc: {cluster_name: xds_cluster}
            static_resources:
              listeners:
              - name: listener_0
                address:
                  socket_address: {address: 127.0.0.1, port_value: {{{port}}}}
                filter_chains:
                - filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                      stat_prefix: ingress
                      route_config:
                        # A static route_config checks its clusters at start, before ADS has sent any (Envoy's rule).
                        validate_clusters: false
                        virtual_hosts:
                        - name: all
                          domains: ["*"]
                          routes:
                          - match: {prefix: "/api/v1"}
                            route: {cluster: api_service}
                          - match: {prefix: "/api/v2"}
                            route: {cluster: from_ads}
                      http_filters:
                      - name: envoy.filters.http.router
                        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
              clusters:
              - name: xds_cluster
                type: STATIC
                typed_extension_protocol_options:
                  envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                    "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                    explicit_http_config: {http2_protocol_options: {}}
                load_assignment:
                  cluster_name: xds_cluster
                  endpoints:
                  - lb_endpoints:
                    - endpoint:
                        address:
                          socket_address: {address: 127.0.0.1, port_value: {{{xdsPort}}}}
              - name: api_service
                type: STATIC
                load_assignment:
                  cluster_name: api_service
                  endpoints:
                  - lb_endpoints:
                    - endpoint:
                        address:
                          socket_address: {address: 127.0.0.1, port_value: {{{v1.Port}}}}
            """);
        using var stop = new CancellationTokenSource();
        var errors = new StringWriter();
        var proxy = EnvoyProxyHost.RunAsync(path, null, errors, stop.Token);
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
            var deadline = DateTime.UtcNow.AddSeconds(20);
            HttpResponseMessage? fromAds = null;
            while (DateTime.UtcNow < deadline && !proxy.IsCompleted)
            {
                try
                {
                    fromAds = await client.GetAsync($"http://127.0.0.1:{port}/api/v2/x");
                    if (fromAds.StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(100);
            }

            Assert.Equal("", errors.ToString());
            Assert.Equal("api-v2", await fromAds!.Content.ReadAsStringAsync());
            Assert.Equal("api-v1", await client.GetStringAsync($"http://127.0.0.1:{port}/api/v1/x"));
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await proxy);
            File.Delete(path);
        }
    }
}
