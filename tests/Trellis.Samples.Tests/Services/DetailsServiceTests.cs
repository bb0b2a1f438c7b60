using System.Net;
using Trellis.Samples.Bookinfo.Hosting;
using Trellis.Samples.Tests.Harness;

namespace Trellis.Samples.Tests.Services;

public sealed class DetailsServiceTests
{
    [Fact]
    public async Task Details_describe_the_comedy_of_errors_with_istios_fields_in_istios_order()
    {
        await using var details = await RunningService.StartAsync(BookinfoService.Details);
        var json = await details.Client.GetStringAsync("details/7");
        Assert.Equal("""{"id":7,"author":"William Shakespeare","year":1595,"type":"paperback","pages":200,"publisher":"PublisherA","language":"English","ISBN-10":"1234567890","ISBN-13":"123-1234567890"}""", json);
    }

    [Fact]
    public async Task A_non_numeric_id_is_a_client_error_that_says_so()
    {
        await using var details = await RunningService.StartAsync(BookinfoService.Details);
        using var response = await details.Client.GetAsync("details/abc");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("""{"error":"please provide numeric product id"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_reports_details_is_healthy()
    {
        await using var details = await RunningService.StartAsync(BookinfoService.Details);
        Assert.Equal("""{"status":"Details is healthy"}""", await details.Client.GetStringAsync("health"));
    }
}
