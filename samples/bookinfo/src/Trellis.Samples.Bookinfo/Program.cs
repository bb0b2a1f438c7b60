using Trellis.Samples.Bookinfo.Hosting;

// bookinfo productpage|details|reviews|ratings — one of Istio's Bookinfo services on http://127.0.0.1:$PORT.
if (args.Length != 1 || !BookinfoServiceNames.TryParse(args[0], out var service))
{
    Console.Error.WriteLine(BookinfoServiceNames.Usage);
    return 2;
}

WebApplication app;
try
{
    app = BookinfoApp.Build(service, BookinfoSettings.FromProcessEnvironment());
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"bookinfo {service.Name()}: {e.Message}");
    return 2;
}

await app.RunAsync();
return 0;
