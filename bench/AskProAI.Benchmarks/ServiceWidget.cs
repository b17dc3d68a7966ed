using AskProAI.Caching;
using AskProAI.Data;
using AskProAI.Web.Features.Widgets;
using Microsoft.Extensions.Logging.Abstractions;

namespace AskProAI.Benchmarks;

/// <summary>
/// A widget of the service itself: <see cref="DashboardWidget{TSelf, TValue}"/> is the base every dashboard widget
/// derives from, so the benchmark runs the service's own hit path (<c>GetAsync</c>) and cannot drift from it. It only
/// hits: the value is put in the cache beforehand, and a miss, which would open a database context, is not measured.
/// </summary>
internal sealed class ServiceWidget(TimeProvider time)
    : DashboardWidget<ServiceWidget, WidgetValue>(null!, time, NullLogger.Instance), IWidgetDefinition
{
    public static WidgetDefinition Definition { get; } = new(Peers.WidgetName, WidgetTier.Heavy, []);

    public override ValueTask<WidgetResult> GetAsync(WidgetHandle handle, int companyId, CancellationToken cancellationToken) =>
        GetCachedAsync(handle, companyId, cancellationToken);

    protected override Task<WidgetValue> ComputeAsync(AskProDbContext db, int companyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The hit benchmark computes nothing.");
}
