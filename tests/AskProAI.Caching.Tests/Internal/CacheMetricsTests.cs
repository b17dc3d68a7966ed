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
}
