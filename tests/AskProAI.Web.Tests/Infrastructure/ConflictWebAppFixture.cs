using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Infrastructure;

/// <summary>The service with webhook secrets and the <see cref="ConflictInjector"/>, on SQLite or PostgreSQL.</summary>
public class ConflictWebAppFixture(TestDatabaseProvider provider) : WritableWebAppFixture(provider)
{
    public ConflictInjector Conflicts { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(Conflicts));
    }
}
