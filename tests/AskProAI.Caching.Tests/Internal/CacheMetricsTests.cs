using System.Diagnostics.Metrics;

namespace AskProAI.Caching.Tests.Internal;

public class CacheMetricsTests
{
    [Fact]
    public async Task Meter_ReportsRequestsByResultWithLowCardinalityTags()
    {
        await using var f = new CacheFixture();
        var counter = new Counter();
        await f.GetAsync(f.Recent, 1, counter);
        await f.GetAsync(f.Recent, 1, counter);
        await f.GetAsync(f.Recent, 2, counter);

        var measurements = new List<(string Name, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "AskProAI.Caching" && ReferenceEquals(instrument.Meter, f.Engine.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();
        listener.RecordObservableInstruments();

        var requests = measurements.Where(m => m.Name == "askpro.cache.requests" && (string?)m.Tags["widget"] == "recent_calls").ToArray();
        Assert.Equal(1, requests.Single(m => (string?)m.Tags["result"] == "hit").Value);
        Assert.Equal(2, requests.Single(m => (string?)m.Tags["result"] == "miss").Value);
        Assert.All(measurements, m => Assert.DoesNotContain(m.Tags.Keys, k => k is "key" or "company" or "company_id"));
        Assert.Contains(measurements, m => m.Name == "askpro.cache.entries" && m.Value == 2);
    }

    [Fact]
    public async Task Meter_ReportsSoftAndHardTimeoutsByKind()
    {
        await using var f = new CacheFixture(
            o => (o.Statistics.SoftTimeout, o.Statistics.HardTimeout) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)),
            time: new(new DateTimeOffset(2025, 8, 6, 18, 0, 0, TimeSpan.Zero)));
        await f.Recent.GetOrComputeAsync(1, 11, static (v, _, _) => new ValueTask<int>(v));
        f.Time.Advance(TimeSpan.FromMinutes(6));
        var gate = new TaskCompletionSource<int>();
        var stale = f.Recent.GetOrComputeAsync(1, gate, static async (g, _, _) => await g.Task).AsTask();
        var cold = f.Recent.GetOrComputeAsync(2, gate, static async (g, _, _) => await g.Task).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(10));
        await stale;
        await Assert.ThrowsAsync<WidgetTimeoutException>(() => cold);
        gate.SetResult(1);

        var measurements = new List<(long Value, string? Kind)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, f.Engine.Meter) && instrument.Name == "askpro.cache.timeouts")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            if ((string?)all["widget"] == "recent_calls")
            {
                measurements.Add((value, (string?)all["kind"]));
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal([(1L, "soft"), (1L, "hard")], measurements);
    }

    [Fact]
    public async Task Meter_ReportsAppliedChangesApartFromInvalidations()
    {
        await using var f = new CacheFixture();
        await f.GetAsync(f.Recent, 1, new Counter());
        await f.Cache.ApplyChangeAsync<int, object>(f.Recent, 1, f.Cache.BeginWrite(), 0, static (value, _) => value);
        await f.Cache.ApplyChangeAsync<int, object>(f.Recent, 1, f.Cache.BeginWrite(), 0, static (value, _) => value);
        await f.Cache.InvalidateAsync(CacheTag.CompanyWidget("recent_calls", 2));

        var measurements = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, f.Engine.Meter) && instrument.Name is "askpro.cache.invalidations" or "askpro.cache.applied_changes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(2, measurements["askpro.cache.applied_changes"]);
        Assert.Equal(1, measurements["askpro.cache.invalidations"]);
    }
}
