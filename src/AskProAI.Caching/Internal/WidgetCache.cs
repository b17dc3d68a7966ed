using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AskProAI.Caching.Internal;

/// <summary>
/// The widget cache. The hit path is one clock read, one struct-keyed dictionary lookup and six stamp
/// comparisons: no allocation, no lock, no string. Everything else lives in the partial files by concern.
/// </summary>
internal sealed partial class WidgetCache : IWidgetCache, IBackplaneHandler, IDisposable
{
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;

    private readonly ConcurrentDictionary<EntryKey, CacheEntry> _entries = new();
    private readonly ConcurrentDictionary<EntryKey, Flight> _flights = new();
    private readonly TimeProvider _time;
    private readonly CoarseClock _now;
    private readonly WidgetCacheOptions _options;
    private readonly ILogger _logger;
    private readonly CacheWorkQueue _queue;
    private readonly IWidgetCacheStore? _store;
    private readonly ICacheBackplane? _backplane;
    private readonly IDistributedWidgetLock? _lock;
    private readonly IWidgetCacheSerializer _serializer;
    private readonly bool _payloadIsJson;
    private readonly CacheMetrics? _metrics;
    private readonly Lock _registryGate = new();
    private readonly ITimer _sweepTimer;
    private WidgetHandle[] _widgets = [];
    private FrozenDictionary<string, WidgetHandle> _byName = FrozenDictionary<string, WidgetHandle>.Empty;

    public WidgetCache(
        IOptions<WidgetCacheOptions> options,
        CacheWorkQueue queue,
        IWidgetCacheSerializer serializer,
        TimeProvider time,
        IEnumerable<IWidgetCacheStore> stores,
        IEnumerable<ICacheBackplane> backplanes,
        IEnumerable<IDistributedWidgetLock> locks,
        ILogger<WidgetCache>? logger = null,
        CacheMetrics? metrics = null,
        IEnumerable<WidgetRegistration>? registrations = null)
    {
        _options = options.Value;
        _queue = queue;
        _serializer = serializer;
        _payloadIsJson = serializer.WritesUtf8Json;
        _time = time;
        _now = new CoarseClock(time);
        // Logging is optional: without AddLogging the engine logs nothing rather than failing to resolve.
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _store = stores.LastOrDefault();
        _backplane = backplanes.LastOrDefault();
        _lock = locks.LastOrDefault();
        _metrics = metrics;
        _refreshThreshold = _options.RefreshThreshold;
        foreach (var (name, widget) in _options.Widgets)
        {
            Register(name, widget.Tier);
        }

        // What AddWidget gave back works from now on.
        foreach (var registration in registrations ?? [])
        {
            registration.Bind(Register(registration.Name, registration.Tier));
        }

        _metrics?.Attach(this);
        _backplane?.Subscribe(this);
        _sweepTimer = time.CreateTimer(static s => ((WidgetCache)s!).Sweep(), this, _options.SweepInterval, _options.SweepInterval);
    }

    public IReadOnlyCollection<WidgetHandle> Widgets => Volatile.Read(ref _widgets);

    internal WidgetCacheOptions Options => _options;

    internal ICacheWorkQueue Queue => _queue;

    public WidgetHandle Register(string name, WidgetTier tier)
    {
        WidgetName.ThrowIfInvalid(name);
        if (!Enum.IsDefined(tier))
        {
            throw new ArgumentOutOfRangeException(nameof(tier), tier, "Unknown widget tier.");
        }

        lock (_registryGate)
        {
            if (_byName.TryGetValue(name, out var existing))
            {
                return existing.Tier == tier
                    ? existing
                    : throw new ArgumentException($"Widget '{name}' is registered with tier {existing.Tier}, not {tier}.", nameof(tier));
            }

            var tierOptions = _options.For(tier);
            _options.Widgets.TryGetValue(name, out var overrides);
            var handle = new WidgetHandle(
                this,
                _widgets.Length,
                name,
                tier,
                overrides?.Ttl ?? tierOptions.Ttl,
                overrides?.BackgroundRefresh ?? tierOptions.BackgroundRefresh,
                overrides?.ServeStaleOnRollover ?? tierOptions.ServeStaleOnRollover,
                overrides?.PrefetchNextBucket ?? tierOptions.PrefetchNextBucket,
                overrides?.FailSafeThrottle ?? tierOptions.FailSafeThrottle,
                overrides?.SoftTimeout ?? tierOptions.SoftTimeout,
                overrides?.HardTimeout ?? tierOptions.HardTimeout);
            var widgets = new WidgetHandle[_widgets.Length + 1];
            _widgets.CopyTo(widgets, 0);
            widgets[^1] = handle;
            ApplyConfiguredMode(handle);
            Volatile.Write(ref _widgets, widgets);
            _byName = widgets.ToFrozenDictionary(w => w.Name, StringComparer.Ordinal);
            return handle;
        }
    }

    public bool TryGetWidget(string name, [NotNullWhen(true)] out WidgetHandle? widget) =>
        Volatile.Read(ref _byName).TryGetValue(name, out widget);

    public ValueTask<CacheResult<T>> GetOrComputeAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken = default)
    {
        if (companyId <= 0 || !ReferenceEquals(widget.Owner, this))
        {
            ThrowBadArguments(widget, companyId);
        }

        return widget.AllOptimized
            ? GetOptimizedAsync(widget, companyId, state, compute, cancellationToken)
            : GetByModeAsync(widget, companyId, state, compute, cancellationToken);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ValueTask<CacheResult<T>> GetOptimizedAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken)
    {
        var now = _now.UtcTicks;
        var key = new EntryKey(widget.Index, companyId, BucketOf(widget.Tier, now));
        if (_entries.TryGetValue(key, out var entry) && now < entry.ExpiresTicks && IsValid(entry) && ValueAs<T>(entry.Value, out var value) && Leased(now))
        {
            if (now >= entry.AttentionTicks)
            {
                OnAttention(widget, companyId, key, entry, now, state, compute);
            }

            widget.Counters.Hit();
            return new ValueTask<CacheResult<T>>(new CacheResult<T>(value, CacheOutcome.Hit, entry.CreatedAt) { Utf8Json = JsonOf(entry.Payload) });
        }

        return GetSlowAsync(widget, companyId, key, now, state, compute, cancellationToken);
    }

    /// <summary>
    /// <c>value is T</c>, first as a type-handle comparison: a caller in shared generic code (any reference type T,
    /// as the service's widgets are) would otherwise call the runtime's cast helper on every hit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ValueAs<T>(object value, [MaybeNullWhen(false)] out T result)
    {
        if (!typeof(T).IsValueType && value.GetType() == typeof(T))
        {
            result = Unsafe.As<object, T>(ref value);
            return true;
        }

        if (value is T cast)
        {
            result = cast;
            return true;
        }

        result = default;
        return false;
    }

    public bool IsCached(WidgetHandle widget, int companyId)
    {
        var now = _now.UtcTicks;
        return _entries.TryGetValue(new EntryKey(widget.Index, companyId, BucketOf(widget.Tier, now)), out var entry)
            && now < entry.ExpiresTicks && IsValid(entry) && Leased(now);
    }

    public void Dispose() => _sweepTimer.Dispose();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int BucketOf(WidgetTier tier, long utcTicks) => tier == WidgetTier.Live
        ? (int)((utcTicks - UnixEpochTicks) / TimeSpan.TicksPerMinute)
        : (int)((utcTicks - UnixEpochTicks) / TimeSpan.TicksPerHour);

    internal WidgetKey ToWidgetKey(WidgetHandle widget, EntryKey key) => new(widget.Name, widget.Tier, key.CompanyId, key.Bucket);

    [DoesNotReturn]
    private void ThrowBadArguments(WidgetHandle widget, int companyId)
    {
        ArgumentNullException.ThrowIfNull(widget);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(companyId);
        throw new ArgumentException($"Widget '{widget.Name}' was registered with another cache instance.", nameof(widget));
    }
}
