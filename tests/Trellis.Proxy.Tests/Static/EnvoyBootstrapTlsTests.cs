using System.Diagnostics;
using Trellis.Proxy.Tests.Support;

namespace Trellis.Proxy.Tests.Static;

/// <summary><c>trellis proxy -c</c> with a bootstrap whose static_resources.secrets hold a server certificate and a CA
/// (read from files), and a listener that requires client certificates: real curl gets through with a certificate from
/// that CA and is turned away without one.</summary>
public sealed class EnvoyBootstrapTlsTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("trellis-bootstrap-tls-").FullName;
    private readonly int _port = Ports.Free();
    private readonly CancellationTokenSource _stop = new();
    private Task<int> _proxy = null!;

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public async Task InitializeAsync()
    {
        var (serverCert, serverKey) = TestPki.Pem(_pki.Issue(null, ["localhost"]));
        var bootstrap = File("envoy.yaml", $$$"""
            static_resources:
              secrets:
              - name: server_cert
                tls_certificate:
                  certificate_chain: {filename: {{{File("server.pem", serverCert)}}}}
                  private_key: {filename: {{{File("server.key", serverKey)}}}}
              - name: client_ca
                validation_context:
                  trusted_ca: {filename: {{{File("ca.pem", _pki.RootPem)}}}}
              listeners:
              - name: https
                address: {socket_address: {address: 127.0.0.1, port_value: {{{_port}}}}}
                filter_chains:
                - transport_socket:
                    name: envoy.transport_sockets.tls
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                      require_client_certificate: true
                      common_tls_context:
                        tls_certificate_sds_secret_configs: [{name: server_cert}]
                        validation_context_sds_secret_config: {name: client_ca}
                        alpn_protocols: [h2, http/1.1]
                  filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                      stat_prefix: https
                      route_config:
                        virtual_hosts:
                        - name: all
                          domains: ["*"]
                          routes:
                          - match: {prefix: "/"}
                            direct_response: {status: 200, body: {inline_string: "hello over mtls"}}
                      http_filters:
                      - name: envoy.filters.http.router
                        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
            """);
        var (clientCert, clientKey) = TestPki.Pem(_pki.Workload("default", "curl"));
        File("client.pem", clientCert);
        File("client.key", clientKey);
        _proxy = EnvoyProxyHost.RunAsync(bootstrap, null, TextWriter.Null, _stop.Token);
        for (var i = 0; i < 100 && !await Listening(); i++) await Task.Delay(100);
    }

    private async Task<bool> Listening()
    {
        try
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync("127.0.0.1", _port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _proxy;
        _pki.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(int Exit, string Output)> CurlAsync(params string[] extra)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-sS", "--max-time", "10", "--resolve", $"localhost:{_port}:127.0.0.1", "--cacert", Path.Combine(_dir, "ca.pem") }
                     .Concat(extra).Append($"https://localhost:{_port}/"))
            start.ArgumentList.Add(arg);
        using var curl = Process.Start(start)!;
        var output = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();
        return (curl.ExitCode, output);
    }

    [Fact]
    public async Task Curl_with_a_client_certificate_from_the_CA_is_served()
    {
        var (exit, output) = await CurlAsync("--cert", Path.Combine(_dir, "client.pem"), "--key", Path.Combine(_dir, "client.key"));

        Assert.Equal(0, exit);
        Assert.Equal("hello over mtls", output);
    }

    [Fact]
    public async Task Curl_without_a_client_certificate_is_turned_away()
    {
        var (exit, output) = await CurlAsync();

        Assert.NotEqual(0, exit);
        Assert.Equal("", output);
    }
}
