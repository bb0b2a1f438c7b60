using System.Net;
using System.Net.Sockets;
using System.Text;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Issue 7: with outlierDetection.consecutive5xxErrors: 3 on productpage, three POSTs with a broken
/// chunked body sent to the ingress ejected productpage's only endpoint, and every user got 503. A malformed
/// request is the client's fault: it gets a 400, and productpage keeps serving everyone else.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class MalformedRequestTests(BookinfoMesh mesh)
{
    private const string EjectAfterThreeErrors = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: productpage
          namespace: bookinfo
        spec:
          host: productpage
          trafficPolicy:
            outlierDetection:
              consecutive5xxErrors: 3
              interval: 1s
              baseEjectionTime: 3m
              maxEjectionPercent: 100
          subsets:
          - name: v1
            labels: {version: v1}
        """;

    [Fact]
    public async Task Malformed_requests_to_the_ingress_do_not_eject_productpage()
    {
        try
        {
            var apply = await mesh.ApplyAsync(EjectAfterThreeErrors);
            Assert.True(apply.ExitCode == 0, apply.All);
            using var users = mesh.IngressClient();
            await mesh.WaitUntilAsync(async () =>
            {
                using var response = await users.GetAsync("/productpage");
                return response.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(30), "productpage to serve with the new DestinationRule");

            for (var i = 0; i < 10; i++)
            {
                var answer = await SendRawAsync("POST /productpage HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n0\r\n\r\n");
                Assert.StartsWith("HTTP/1.1 400 ", answer);
            }

            for (var i = 0; i < 10; i++)
            {
                using var response = await users.GetAsync("/productpage");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
        finally
        {
            await mesh.Cli.RunAsync("apply", "-f", Repo.Path("samples", "bookinfo", "destination-rule-all.yaml"));
        }
    }

    /// <summary>Sends raw bytes to the ingress, as a broken or hostile client would, and reads the answer until the ingress closes.</summary>
    private async Task<string> SendRawAsync(string request)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, mesh.IngressPort);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadToEndAsync(timeout.Token);
    }
}
