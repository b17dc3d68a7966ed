using AskProAI.Web.Features.Auth;
using AskProAI.Web.Features.CacheAdmin;
using AskProAI.Web.Features.Clock;
using AskProAI.Web.Features.Dashboard;
using AskProAI.Web.Features.Distributed;
using AskProAI.Web.Features.Errors;
using AskProAI.Web.Features.Health;
using AskProAI.Web.Features.Monitoring;
using AskProAI.Web.Features.Setup;
using AskProAI.Web.Features.Tenancy;
using AskProAI.Web.Features.Widgets;

var builder = WebApplication.CreateBuilder(SetupOptions.WithoutSwitches(args));

builder.AddClock();
builder.AddAskProDatabase(args);
builder.AddAskProAuth();
builder.AddTenancy();
builder.AddDashboardWidgets();
builder.AddDistributedCache();
builder.AddErrorHandling();
builder.AddHealth();
builder.AddMonitoring();
builder.AddCacheAdmin();

var app = builder.Build();

await app.PrepareDatabaseAsync();

app.UseErrorHandling();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealth();
app.MapAuth();
app.MapCompanies();
app.MapWidgets();
app.MapDashboardPage();
app.MapMonitoring();
app.MapCacheAdmin();

await app.RunAsync();

/// <summary>The dashboard service's entry point; public for <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
