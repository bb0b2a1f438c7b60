using System.Net;
using Trellis.Samples.Bookinfo.Details;
using Trellis.Samples.Bookinfo.Http;
using Trellis.Samples.Bookinfo.ProductPage;
using Trellis.Samples.Bookinfo.Ratings;
using Trellis.Samples.Bookinfo.Reviews;

namespace Trellis.Samples.Bookinfo.Hosting;

/// <summary>Builds one Bookinfo service as a web app listening on 127.0.0.1 at the configured port.</summary>
public static class BookinfoApp
{
    /// <summary>Creates the app for <paramref name="service"/>; throws <see cref="ArgumentException"/> for bad settings.</summary>
    public static WebApplication Build(BookinfoService service, BookinfoSettings settings, BackendClient? backends = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "bookinfo" });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, settings.Port));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);

        var app = builder.Build();
        app.Use(LogRequestsAsync);
        var client = backends ?? BackendClient.CreateDefault();
        switch (service)
        {
            case BookinfoService.Details:
                DetailsEndpoints.Map(app);
                break;
            case BookinfoService.Ratings:
                RatingsEndpoints.Map(app, new RatingsBehaviour(RatingsModes.Parse(settings.ServiceVersion), TimeProvider.System, Random.Shared.NextDouble));
                break;
            case BookinfoService.Reviews:
                ReviewsEndpoints.Map(app, settings, client);
                break;
            case BookinfoService.ProductPage:
                ProductPageEndpoints.Map(app, new ProductBackends(settings, client));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(service), service, BookinfoServiceNames.Usage);
        }
        return app;
    }

    /// <summary>One line per request, so `trellis logs` shows what each service was asked and answered.</summary>
    private static async Task LogRequestsAsync(HttpContext context, RequestDelegate next)
    {
        var started = TimeProvider.System.GetTimestamp();
        await next(context);
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("bookinfo");
        logger.LogInformation("{Method} {Path} {Status} {Ms:F1}ms x-request-id={RequestId}",
            context.Request.Method, context.Request.Path.Value, context.Response.StatusCode,
            TimeProvider.System.GetElapsedTime(started).TotalMilliseconds, context.Request.Headers["x-request-id"].ToString());
    }
}
