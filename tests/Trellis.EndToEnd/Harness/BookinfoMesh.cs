using System.Net;
using System.Text.Json;

namespace Trellis.EndToEnd.Harness;

/// <summary>The Bookinfo mesh (`trellis up -f samples/bookinfo`), shared by the scenarios of a collection.</summary>
public class BookinfoMesh : RunningMesh
{
    public BookinfoMesh() : this("trellis-e2e-")
    {
    }

    /// <summary>xUnit builds a fixture through its one public constructor; a mesh of its own for a collection names its home.</summary>
    protected BookinfoMesh(string homePrefix) : base(homePrefix)
    {
    }

    public int IngressPort { get; } = Ports.Free();

    public override async Task InitializeAsync()
    {
        StartUp(["-f", Repo.Path("samples", "bookinfo"), "--port", IngressPort.ToString()]);
        await WaitUntilAsync(async () => PodsFile.Read(Cli.Home) is { Count: 6 } pods && pods.All(p => p.Ready)
                                         && await IngressAnswersAsync(), TimeSpan.FromSeconds(120), "all six Bookinfo pods ready and the ingress serving");
    }

    /// <summary>An HTTP client that behaves like an app in the given deployment's pod: its requests go
    /// out through that pod's sidecar, addressed by service name.</summary>
    internal HttpClient ClientInPod(string deployment)
    {
        var pod = PodsFile.Read(Cli.Home).First(p => p.Deployment == deployment);
        return new HttpClient(new SocketsHttpHandler
        {
            Proxy = new WebProxy($"http://127.0.0.1:{pod.OutboundPort}"),
            UseProxy = true,
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        }) { Timeout = TimeSpan.FromSeconds(10) };
    }

    internal HttpClient IngressClient() =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{IngressPort}"), Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Which reviews version answered: v1 has no rating, v2 black stars, v3 red stars.</summary>
    internal static string ReviewsVersion(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var review = doc.RootElement.GetProperty("reviews")[0];
        if (!review.TryGetProperty("rating", out var rating)) return "v1";
        return rating.GetProperty("color").GetString() == "red" ? "v3" : "v2";
    }

    internal async Task<TrellisCli.Result> ApplyAsync(string yaml)
    {
        var file = Path.Combine(Cli.Home, $"apply-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        return await Cli.RunAsync("apply", "-f", file);
    }

    private async Task<bool> IngressAnswersAsync()
    {
        try
        {
            using var client = IngressClient();
            using var response = await client.GetAsync("/productpage");
            return response.StatusCode == HttpStatusCode.OK;
        }
        // A cold mesh on a busy machine may take longer than the client's timeout to answer the first request.
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}

/// <summary>Scenarios sharing one Bookinfo mesh run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BookinfoCollection : ICollectionFixture<BookinfoMesh>
{
    public const string Name = "bookinfo mesh";
}
