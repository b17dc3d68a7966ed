namespace AskProAI.Caching.Redis.Tests;

/// <summary>
/// Holds an instance's backplane as it takes the next invalidation in hand, before it applies anything: the counter of
/// applied messages is bumped first, and a listener of that instance's meter blocks there until disposed.
/// </summary>
internal sealed class BackplaneStall : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private readonly ManualResetEventSlim _gate = new(false);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BackplaneStall(RedisEngine instance)
    {
        var meter = instance.Metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "askpro.redis.backplane.messages")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "result", Value: "applied" } && _entered.TrySetResult())
                {
                    _gate.Wait(TimeSpan.FromSeconds(30));
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Completes when the instance is held.</summary>
    public Task Entered => _entered.Task;

    public void Dispose()
    {
        _gate.Set();
        _listener.Dispose();
        _gate.Dispose();
    }
}
