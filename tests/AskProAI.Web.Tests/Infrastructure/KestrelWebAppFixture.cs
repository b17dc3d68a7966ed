using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Infrastructure;

/// <summary>The service on Kestrel on a free loopback port, for a real browser or raw HTTP that the test server would refuse to send.</summary>
public class KestrelWebAppFixture : WebAppFixture
{
    public string BaseAddress { get; private set; } = string.Empty;

    public override async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        UseKestrel(0);
        StartServer();
        await TestData.SeedAsync(Services);
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
    }
}
