using Trellis.Samples.GrpcGreeter.Client;
using Trellis.Samples.GrpcGreeter.Server;

// grpc-greeter serve [VERSION]     the helloworld.Greeter server on 127.0.0.1:$PORT (h2c)
// grpc-greeter call [OPTIONS]      a client that calls it through the pod's HTTP_PROXY
const string usage = "usage: grpc-greeter serve [VERSION] | grpc-greeter call [--target HOST:PORT] [--count N | --stream N] [--name NAME] [--header KEY=VALUE]... [--timeout SECONDS]";

switch (args.FirstOrDefault())
{
    case "serve" when args.Length <= 2:
        var settings = GreeterSettings.FromEnvironment(Environment.GetEnvironmentVariable, args.ElementAtOrDefault(1), out var error);
        if (settings is null)
        {
            Console.Error.WriteLine(error);
            return 2;
        }
        var app = GreeterServer.Build(settings);
        Console.WriteLine($"greeter {settings.Version} listening on 127.0.0.1:{settings.Port} (h2c)");
        await app.RunAsync();
        return 0;

    case "call":
        var arguments = CallArguments.Parse(args[1..], out var callError);
        if (arguments is null)
        {
            Console.Error.WriteLine(callError);
            return 2;
        }
        return await CallCommand.RunAsync(arguments, System.Net.Http.HttpClient.DefaultProxy, Console.Out, Console.Error);

    default:
        Console.Error.WriteLine(usage);
        return 2;
}
