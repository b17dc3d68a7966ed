using System.Collections.Concurrent;

namespace AskProAI.Caching.Internal;

/// <summary>
/// The rollout modes. Legacy reproduces the design the seed replaced, so that both can be measured side by
/// side: one static key per widget and company, a fixed TTL, no tags, no invalidation, no single-flight.
/// Disabled computes every time.
/// </summary>
internal sealed partial class WidgetCache
{
    private readonly ConcurrentDictionary<(int Widget, int Company), LegacyEntry> _legacy = new();

    public IReadOnlyList<WidgetHandle> SetMode(CacheMode mode, int optimizedPercent = 100, string? widget = null)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown cache mode.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(optimizedPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(optimizedPercent, 100);
        WidgetHandle[] targets;
        if (widget is null)
        {
            targets = Volatile.Read(ref _widgets);
        }
        else
        {
            targets = TryGetWidget(widget, out var handle) ? [handle] : throw new KeyNotFoundException($"No widget named '{widget}' is registered.");
        }

        foreach (var target in targets)
        {
            target.SetMode(mode, optimizedPercent);
        }

        if (mode != CacheMode.Legacy && optimizedPercent == 100)
        {
            // Legacy entries of widgets that left Legacy would never be read again.
            foreach (var target in targets)
            {
                foreach (var key in _legacy.Keys.Where(k => k.Widget == target.Index))
                {
                    _legacy.TryRemove(key, out _);
                }
            }
        }

        return targets;
    }

    /// <summary>Drops expired Legacy entries (from the sweep): the seed design never read them again either.</summary>
    private void SweepLegacy(long now)
    {
        foreach (var (key, entry) in _legacy)
        {
            if (now >= entry.ExpiresTicks)
            {
                _legacy.TryRemove(new KeyValuePair<(int Widget, int Company), LegacyEntry>(key, entry));
            }
        }
    }

    private void ApplyConfiguredMode(WidgetHandle handle)
    {
        _options.Widgets.TryGetValue(handle.Name, out var overrides);
        handle.SetMode(overrides?.Mode ?? _options.Mode, overrides?.OptimizedPercent ?? _options.OptimizedPercent);
    }

    private ValueTask<CacheResult<T>> GetByModeAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken)
    {
        switch (widget.ModeFor(companyId))
        {
            case CacheMode.Disabled:
                widget.Counters.Miss();
                return ComputeDirectAsync(widget, companyId, state, compute, cancellationToken);
            case CacheMode.Legacy:
                var now = _now.UtcTicks;
                if (_legacy.TryGetValue((widget.Index, companyId), out var entry) && now < entry.ExpiresTicks && entry.Value is T value)
                {
                    widget.Counters.Hit();
                    return new ValueTask<CacheResult<T>>(new CacheResult<T>(value, CacheOutcome.Hit, entry.CreatedAt) { Utf8Json = JsonOf(entry.Payload) });
                }

                widget.Counters.Miss();
                return ComputeLegacyAsync(widget, companyId, now, state, compute, cancellationToken);
            default:
                return GetOptimizedAsync(widget, companyId, state, compute, cancellationToken);
        }
    }

    private async ValueTask<CacheResult<T>> ComputeLegacyAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        long now,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken)
    {
        var startedAt = _time.GetTimestamp();
        var value = await compute(state, new WidgetComputeContext(widget.Name, companyId, widget.Tier, false) { At = _time.GetUtcNow() }, cancellationToken);
        var elapsed = _time.GetElapsedTime(startedAt);
        RecordComputation(widget, companyId, elapsed);
        byte[]? payload = null;
        if (value is not null)
        {
            payload = TrySerialize(value);
            _legacy[(widget.Index, companyId)] = new LegacyEntry(value, payload, now, now + _options.LegacyTtl.Ticks);
        }

        return new CacheResult<T>(value, CacheOutcome.Miss, new DateTimeOffset(now, TimeSpan.Zero)) { Utf8Json = JsonOf(payload), ComputeTime = elapsed };
    }

    private sealed class LegacyEntry(object value, byte[]? payload, long createdTicks, long expiresTicks)
    {
        public object Value { get; } = value;

        public byte[]? Payload { get; } = payload;

        public DateTimeOffset CreatedAt { get; } = new(createdTicks, TimeSpan.Zero);

        public long ExpiresTicks { get; } = expiresTicks;
    }
}
