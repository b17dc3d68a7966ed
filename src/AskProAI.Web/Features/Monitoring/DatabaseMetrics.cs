using System.Diagnostics.Metrics;

namespace AskProAI.Web.Features.Monitoring;

/// <summary>
/// The service's own instruments on the meter <c>AskProAI.Web</c>: database commands and slow commands. Also keeps
/// in-process totals for the cache admin statistics, so "database queries per dashboard view" can be read without a
/// metrics backend.
/// </summary>
internal sealed class DatabaseMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "AskProAI.Web";

    private readonly Counter<long> _queries;
    private readonly Counter<long> _slowQueries;
    private readonly Histogram<double> _duration;
    private long _queryCount;
    private long _slowQueryCount;

    public DatabaseMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _queries = meter.CreateCounter<long>("askpro.db.queries", "{query}", "Database commands executed (EF Core), by outcome.");
        _slowQueries = meter.CreateCounter<long>("askpro.db.slow_queries", "{query}", "Database commands slower than Monitoring:SlowQueryThreshold.");
        _duration = meter.CreateHistogram<double>("askpro.db.query.duration", "s", "Duration of database commands.");
    }

    /// <summary>Gets the number of database commands executed since start.</summary>
    public long Queries => Interlocked.Read(ref _queryCount);

    /// <summary>Gets the number of database commands run by widget computations (the read path of the cache) since start.</summary>
    public long WidgetQueries => Interlocked.Read(ref _widgetQueryCount);

    /// <summary>Gets the database time of widget computations' commands since start.</summary>
    public TimeSpan WidgetQueryTime => TimeSpan.FromTicks(Interlocked.Read(ref _widgetQueryTicks));

    /// <summary>
    /// Marks the current async flow as a widget computation until the scope ends: its commands count as the cache's
    /// read path (what a dashboard view costs the database), everything else (a write, a webhook, a login) apart.
    /// </summary>
    public static WidgetComputationScope BeginWidgetComputation()
    {
        var previous = InWidgetComputation.Value;
        InWidgetComputation.Value = true;
        return new WidgetComputationScope(previous);
    }

    /// <summary>Ends a <see cref="BeginWidgetComputation"/> scope.</summary>
    internal readonly struct WidgetComputationScope(bool previous) : IDisposable
    {
        public void Dispose() => InWidgetComputation.Value = previous;
    }

    private static readonly AsyncLocal<bool> InWidgetComputation = new();
    private long _widgetQueryCount;
    private long _widgetQueryTicks;

    /// <summary>Gets the number of slow database commands since start.</summary>
    public long SlowQueries => Interlocked.Read(ref _slowQueryCount);

    /// <summary>Counts one executed command.</summary>
    public void Executed(TimeSpan duration, bool failed, bool slow)
    {
        Interlocked.Increment(ref _queryCount);
        var widget = InWidgetComputation.Value;
        if (widget)
        {
            Interlocked.Increment(ref _widgetQueryCount);
            Interlocked.Add(ref _widgetQueryTicks, duration.Ticks);
        }

        var outcome = new KeyValuePair<string, object?>("outcome", failed ? "failure" : "success");
        _queries.Add(1, outcome, new KeyValuePair<string, object?>("origin", widget ? "widget" : "other"));
        if (_duration.Enabled)
        {
            _duration.Record(duration.TotalSeconds, outcome);
        }

        if (slow)
        {
            Interlocked.Increment(ref _slowQueryCount);
            _slowQueries.Add(1);
        }
    }
}
