using AskProAI.Caching;

namespace AskProAI.Benchmarks;

/// <summary>
/// The service's hit path, line for line as <c>DashboardWidget.GetAsync</c> in AskProAI.Web (which the benchmarks do
/// not reference): the handle's get-or-compute with the widget itself as the state and a static computation, and the
/// result struct with the cache's JSON bytes (an answer ready at once is not timed; a wait is).
/// </summary>
public sealed class ServiceWidget(WidgetHandle handle, TimeProvider time)
{
    public ValueTask<ServiceResult> GetAsync(int companyId, CancellationToken cancellationToken)
    {
        var pending = handle.GetOrComputeAsync(
            companyId,
            this,
            static (widget, context, ct) => widget.ComputeAsync(context.CompanyId, ct),
            cancellationToken);
        return pending.IsCompletedSuccessfully
            ? new ValueTask<ServiceResult>(ResultOf(pending.Result, TimeSpan.Zero))
            : AwaitAsync(pending, time.GetTimestamp());
    }

    private async ValueTask<ServiceResult> AwaitAsync(ValueTask<CacheResult<WidgetValue>> pending, long started) =>
        ResultOf(await pending, time.GetElapsedTime(started));

    private static ServiceResult ResultOf(in CacheResult<WidgetValue> result, TimeSpan waited) =>
        new(result.Value, result.Outcome, result.ComputedAt, waited > result.ComputeTime.GetValueOrDefault() ? waited : result.ComputeTime.GetValueOrDefault(), result.ComputeTime)
        {
            FromL2 = result.FromL2,
            Utf8Json = result.Utf8Json,
        };

    private ValueTask<WidgetValue> ComputeAsync(int companyId, CancellationToken cancellationToken) => new(new WidgetValue(companyId));
}

/// <summary>The service's <c>WidgetResult</c>: a struct, so a hit allocates nothing.</summary>
public readonly record struct ServiceResult(object Value, CacheOutcome Outcome, DateTimeOffset ComputedAt, TimeSpan Elapsed, TimeSpan? ComputeTime)
{
    public bool FromL2 { get; init; }

    public byte[]? Utf8Json { get; init; }
}
