using AskProAI.Caching;

namespace AskProAI.Benchmarks;

/// <summary>
/// The service's hit path, line for line as <c>DashboardWidget.GetAsync</c> in AskProAI.Web (which the benchmarks do
/// not reference): a timestamp, the handle's get-or-compute with the widget itself as the state and a static
/// computation, and the result struct with the elapsed time and the cache's JSON bytes.
/// </summary>
public sealed class ServiceWidget(WidgetHandle handle, TimeProvider time)
{
    public async ValueTask<ServiceResult> GetAsync(int companyId, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var result = await handle.GetOrComputeAsync(
            companyId,
            this,
            static (widget, context, ct) => widget.ComputeAsync(context.CompanyId, ct),
            cancellationToken);
        return new ServiceResult(
            result.Value,
            result.Outcome,
            result.ComputedAt,
            time.GetElapsedTime(started),
            result.ComputeTime)
        {
            FromL2 = result.FromL2,
            Utf8Json = result.Utf8Json,
        };
    }

    private ValueTask<WidgetValue> ComputeAsync(int companyId, CancellationToken cancellationToken) => new(new WidgetValue(companyId));
}

/// <summary>The service's <c>WidgetResult</c>: a struct, so a hit allocates nothing.</summary>
public readonly record struct ServiceResult(object Value, CacheOutcome Outcome, DateTimeOffset ComputedAt, TimeSpan Elapsed, TimeSpan? ComputeTime)
{
    public bool FromL2 { get; init; }

    public byte[]? Utf8Json { get; init; }
}
