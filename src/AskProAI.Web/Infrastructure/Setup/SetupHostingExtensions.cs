using AskProAI.Data;
using AskProAI.Web.Features.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Infrastructure.Setup;

/// <summary>Registers the database and prepares it at start: migrations, roles, demo data and demo users.</summary>
internal static class SetupHostingExtensions
{
    /// <summary>Adds the data layer (<c>Database</c>, <c>ConnectionStrings:AskPro</c>) and the start-up switches.</summary>
    public static WebApplicationBuilder AddAskProDatabase(this WebApplicationBuilder builder, string[] args)
    {
        builder.Services.AddAskProData(builder.Configuration);
        builder.Services.Configure<SetupOptions>(o => o.SeedDemoData = args.Contains(SetupOptions.SeedDemoDataSwitch, StringComparer.Ordinal));
        return builder;
    }

    /// <summary>
    /// Applies migrations; in Development generates demo data on an empty database (or with <c>--seed-demo-data</c>)
    /// and creates the demo users; elsewhere refuses to start while demo users exist.
    /// </summary>
    /// <exception cref="InvalidOperationException">Demo users exist outside Development.</exception>
    public static async Task PrepareDatabaseAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SetupHostingExtensions).FullName!);
        var time = app.Services.GetRequiredService<TimeProvider>();
        var started = time.GetTimestamp();
        await AskProDatabase.MigrateAsync(app.Services, cancellationToken);
        Log.DatabaseMigrated(logger, time.GetElapsedTime(started).TotalMilliseconds);

        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await EnsureRolesAsync(services.GetRequiredService<RoleManager<IdentityRole<int>>>());

        if (!app.Environment.IsDevelopment())
        {
            if (await DemoUsers.AnyExistAsync(services.GetRequiredService<AskProDbContext>(), cancellationToken))
            {
                Log.DemoUsersOutsideDevelopment(logger, app.Environment.EnvironmentName);
                throw new InvalidOperationException(
                    $"Refusing to start in environment '{app.Environment.EnvironmentName}': demo users (@{DemoUsers.Domain}, password " +
                    "'demo-password') exist in the database. Delete them, or run in Development.");
            }

            return;
        }

        var generator = services.GetRequiredService<DemoDataGenerator>();
        var seedSwitch = services.GetRequiredService<IOptions<SetupOptions>>().Value.SeedDemoData;
        var hasData = await generator.HasDataAsync(cancellationToken);
        if (seedSwitch || !hasData)
        {
            Log.DemoDataGenerating(logger, seedSwitch ? SetupOptions.SeedDemoDataSwitch : "empty database");
            var options = services.GetRequiredService<IOptions<DemoDataOptions>>().Value;
            started = time.GetTimestamp();
            await generator.GenerateAsync(options, cancellationToken);
            Log.DemoDataGenerated(logger, time.GetElapsedTime(started).TotalMilliseconds);
            hasData = true;
        }

        if (hasData)
        {
            await DemoUsers.EnsureAsync(services, logger, cancellationToken);
        }
    }

    private static async Task EnsureRolesAsync(RoleManager<IdentityRole<int>> roles)
    {
        if (!await roles.RoleExistsAsync(AuthConstants.SuperAdminRole))
        {
            await roles.CreateAsync(new IdentityRole<int>(AuthConstants.SuperAdminRole));
        }
    }
}
