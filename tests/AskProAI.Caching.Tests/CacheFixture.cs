using AskProAI.Caching.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AskProAI.Caching.Tests;

/// <summary>A widget cache on a fake clock, with its own service provider; dispose it at the end of a test.</summary>
internal sealed class CacheFixture : IAsyncDisposable
{
    // 2025-08-06 18:07:30 UTC, the seed's example hour.
    public static readonly DateTimeOffset Start = new(2025, 8, 6, 18, 7, 30, TimeSpan.Zero);

    private readonly ServiceProvider _provider;

    public CacheFixture(
        Action<WidgetCacheOptions>? configure = null, IWidgetCacheStore? store = null, FakeTimeProvider? time = null, IWidgetCacheSerializer? serializer = null)
    {
        Time = time ?? new FakeTimeProvider(Start);
        Logs = new ListLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton<TimeProvider>(Time);
        if (serializer is not null)
        {
            services.AddSingleton(serializer);
        }
        var builder = services.AddAskProCaching(configure);
        builder.AddWidget("live_calls", WidgetTier.Live)
            .AddWidget("recent_calls", WidgetTier.Statistics)
            .AddWidget("stats_overview", WidgetTier.Statistics)
            .AddWidget("dashboard_stats", WidgetTier.Heavy);
        if (store is not null)
        {
            builder.UseStore(store);
        }

        _provider = services.BuildServiceProvider();
        Cache = _provider.GetRequiredService<IWidgetCache>();
        Queue = _provider.GetRequiredService<ICacheWorkQueue>();
    }

    public FakeTimeProvider Time { get; }

    public IWidgetCache Cache { get; }

    public ICacheWorkQueue Queue { get; }

    public IDaySegmentCache Segments => _provider.GetRequiredService<IDaySegmentCache>();

    public ListLoggerProvider Logs { get; }

    public WidgetHandle Live => Widget("live_calls");

    public WidgetHandle Recent => Widget("recent_calls");

    public WidgetHandle Heavy => Widget("dashboard_stats");

    public WidgetHandle Widget(string name) => Cache.TryGetWidget(name, out var w) ? w : throw new InvalidOperationException(name);

    internal WidgetCache Engine => (WidgetCache)Cache;

    /// <summary>Gets a value computed by a counter, so tests can see whether a computation ran.</summary>
    public ValueTask<CacheResult<int>> GetAsync(WidgetHandle widget, int companyId, Counter counter, CancellationToken ct = default) =>
        Cache.GetOrComputeAsync(widget, companyId, counter, static (c, _, _) => new ValueTask<int>(c.Next()), ct);

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();
}

/// <summary>Counts computations and returns the count as the value.</summary>
internal sealed class Counter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public int Next() => Interlocked.Increment(ref _count);
}

internal sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, int EventId, string Message)> _entries = new();

    public IReadOnlyCollection<(LogLevel Level, int EventId, string Message)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
    }
}
