using System.CommandLine;
using System.Net;
using Trellis.Cli.Output;
using Trellis.LocalMode;

namespace Trellis.Cli.Commands;

/// <summary>`trellis up -f DIR` runs a local mesh from Kubernetes manifests; `trellis demo` runs Bookinfo.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var files = CommonOptions.Files();
        var recursive = CommonOptions.Recursive();
        var port = IngressPort();
        var address = IngressAddress();
        var caCerts = new Option<string?>("--cacerts")
        {
            Description = "Plug-in CA folder as Istio's cacerts (ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem); default HOME/cacerts if present, else a self-signed root",
        };
        var https = HttpsPort();
        var command = new Command("up", "Run a local mesh from a folder of Kubernetes and Istio manifests (Ctrl-C stops it)") { files, recursive, port, https, address, caCerts };
        command.SetAction((result, ct) =>
            new LocalMeshRunner(CommonOptions.ResolveHome(result), result.GetValue(files)!, result.GetValue(recursive), result.GetValue(port), result.GetValue(address)!, new ProgressPrinter(),
                result.GetValue(caCerts))
            {
                HttpsPort = result.GetValue(https),
            }.RunAsync(ct));
        return command;
    }

    public static Command CreateDemo()
    {
        var port = IngressPort();
        var address = IngressAddress();
        var command = new Command("demo", "Run the Bookinfo demo mesh (ingress on 127.0.0.1:8080 unless --ingress-address/--port)") { port, address };
        command.SetAction((result, ct) =>
        {
            var samples = SampleLocator.Bookinfo();
            if (samples is null)
            {
                Console.Error.WriteLine("error: cannot find samples/bookinfo (run `trellis demo` from the Trellis repository or an installed trellis tool)");
                return Task.FromResult(1);
            }
            return new LocalMeshRunner(CommonOptions.ResolveHome(result), [samples], recursive: false, result.GetValue(port), result.GetValue(address)!, new ProgressPrinter()).RunAsync(ct);
        });
        return command;
    }

    private static Option<int> IngressPort() => new("--port", "-p")
    {
        Description = "Port of the ingress gateway",
        DefaultValueFactory = _ => 8080,
    };

    private static Option<int?> HttpsPort() => new("--https-port")
    {
        Description = "Port of the ingress gateway's HTTPS and TLS servers (default 8443, or a free port when 8443 is taken)",
    };

    private static Option<string> IngressAddress()
    {
        var option = new Option<string>("--ingress-address")
        {
            Description = "IP address the ingress gateway binds (0.0.0.0 exposes it to the network)",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !IPAddress.TryParse(value, out _))
                result.AddError($"--ingress-address: \"{value}\" is not an IP address (for example 127.0.0.1, 0.0.0.0 or ::1)");
        });
        return option;
    }
}
