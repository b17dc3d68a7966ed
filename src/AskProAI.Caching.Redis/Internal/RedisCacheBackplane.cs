using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>
/// Invalidations over Redis pub/sub on <c>{prefix}backplane</c>. A message is <c>1|{instance id}|{tag}</c>, or
/// <c>2|{instance id}|{tag}|{tag}...</c> for several tags invalidated together (one write: one message, one live push
/// on the other instances); an instance ignores its own. Pub/sub is at most once, so every connection failure and restoration tells
/// the handler that messages may have been missed (it then drops L1 and redelivers its own undelivered ones).
/// </summary>
internal sealed class RedisCacheBackplane : ICacheBackplane, IDisposable
{
    private const string Version = "1";
    private const string ManyVersion = "2";

    private readonly RedisConnection _redis;
    private readonly ILogger _logger;
    private readonly RedisMetrics _metrics;
    private readonly Action<RedisChannel, RedisValue> _onMessage;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _ownPrefix;
    private readonly string _ownManyPrefix;
    private IBackplaneHandler? _handler;
    private int _subscribing;
    private int _recovering;
    private int _disposed;

    public RedisCacheBackplane(RedisConnection redis, ILogger<RedisCacheBackplane> logger, RedisMetrics metrics)
    {
        _redis = redis;
        _logger = logger;
        _metrics = metrics;
        _onMessage = OnMessage;
        _ownPrefix = Version + "|" + redis.InstanceId + "|";
        _ownManyPrefix = ManyVersion + "|" + redis.InstanceId + "|";
    }

    /// <summary>Completes when the channel subscription was first confirmed by Redis (for tests and warm-up).</summary>
    internal Task WhenSubscribed => _subscribed.Task;

    public async ValueTask PublishAsync(CacheTag tag, CancellationToken cancellationToken)
    {
        var message = _ownPrefix + tag.ToString();
        await _redis.ExecuteAsync(
            "publish",
            (Channel: _redis.Keys.Channel, Message: message),
            static (db, s) => db.PublishAsync(s.Channel, s.Message),
            cancellationToken);
    }

    public async ValueTask PublishAsync(IReadOnlyList<CacheTag> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count <= 1)
        {
            // One tag: the version 1 message every instance understands.
            foreach (var tag in tags)
            {
                await PublishAsync(tag, cancellationToken);
            }

            return;
        }

        var message = _ownManyPrefix + string.Join('|', tags.Select(t => t.ToString()));
        await _redis.ExecuteAsync(
            "publish",
            (Channel: _redis.Keys.Channel, Message: message),
            static (db, s) => db.PublishAsync(s.Channel, s.Message),
            cancellationToken);
    }

    public void Subscribe(IBackplaneHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("The backplane already has a handler.");
        }

        _redis.Failed += OnConnectionFailed;
        _redis.Restored += OnConnectionRestored;
        _ = SubscribeAsync();
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        _redis.Failed -= OnConnectionFailed;
        _redis.Restored -= OnConnectionRestored;
    }

    /// <summary>Parses a message; returns null for the instance's own messages, throws <see cref="FormatException"/> for garbage.</summary>
    internal static CacheTag[]? Parse(string? text, string ownId)
    {
        var parts = (text ?? string.Empty).Split('|', 3);
        if (parts.Length != 3 || (parts[0] != Version && parts[0] != ManyVersion) || parts[1].Length != 32)
        {
            throw new FormatException("not a version 1 or 2 backplane message");
        }

        if (parts[1] == ownId)
        {
            return null;
        }

        if (parts[0] == Version)
        {
            return CacheTag.TryParse(parts[2], out var tag, out _) ? [tag] : throw new FormatException("unknown tag");
        }

        var names = parts[2].Split('|');
        if (names.Length is < 2 or > MaxTagsPerMessage)
        {
            throw new FormatException($"a version 2 message carries 2 to {MaxTagsPerMessage} tags");
        }

        var tags = new CacheTag[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            tags[i] = CacheTag.TryParse(names[i], out var tag, out _) ? tag : throw new FormatException("unknown tag");
        }

        return tags;
    }

    /// <summary>The most tags one message may carry (a write touches a handful; garbage is refused, not applied).</summary>
    internal const int MaxTagsPerMessage = 1000;

    /// <summary>Subscribes, retrying with a growing delay until Redis confirms it or the backplane is disposed.</summary>
    private async Task SubscribeAsync()
    {
        if (_subscribed.Task.IsCompleted || Interlocked.Exchange(ref _subscribing, 1) != 0)
        {
            return;
        }

        try
        {
            for (var attempt = 1; !_subscribed.Task.IsCompleted && Volatile.Read(ref _disposed) == 0; attempt++)
            {
                try
                {
                    var multiplexer = await _redis.GetMultiplexerAsync(CancellationToken.None);
                    var subscriber = multiplexer.GetSubscriber();

                    // A failed attempt may have left the handler registered locally; remove it so it is never added twice.
                    await subscriber.UnsubscribeAsync(_redis.Keys.Channel, _onMessage, CommandFlags.FireAndForget);
                    await subscriber.SubscribeAsync(_redis.Keys.Channel, _onMessage).WaitAsync(_redis.Options.ConnectTimeout);
                    _subscribed.TrySetResult();
                }
                catch (Exception ex)
                {
                    Log.SubscribeFailed(_logger, ex);
                    await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Min(attempt, 20)));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _subscribing, 0);
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue value)
    {
        var text = (string?)value;
        CacheTag[]? tags;
        try
        {
            tags = Parse(text, _redis.InstanceId);
        }
        catch (FormatException ex)
        {
            _metrics.BackplaneMessage("invalid");
            Log.InvalidBackplaneMessage(_logger, text?.Length ?? 0, ex.Message);
            return;
        }

        if (tags is null)
        {
            _metrics.BackplaneMessage("own");
            return;
        }

        _metrics.BackplaneMessage("applied");
        if (tags.Length == 1)
        {
            _handler?.OnRemoteInvalidation(tags[0]);
        }
        else
        {
            _handler?.OnRemoteInvalidations(tags);
        }
    }

    private void OnConnectionFailed(ConnectionType type) => _handler?.OnMessagesMayHaveBeenMissed();

    private void OnConnectionRestored(ConnectionType type) => _ = RecoverAsync();

    /// <summary>
    /// After a reconnect, waits until a PING goes through and only then tells the handler, whose redelivery of
    /// undelivered invalidations would otherwise fail again on a connection announced but not yet usable.
    /// </summary>
    private async Task RecoverAsync()
    {
        if (Interlocked.Exchange(ref _recovering, 1) != 0)
        {
            return;
        }

        try
        {
            for (var attempt = 1; attempt <= 20; attempt++)
            {
                try
                {
                    await _redis.ExecuteAsync("ping", 0, static (db, _) => db.PingAsync(), CancellationToken.None);
                    break;
                }
                catch (Exception)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Min(attempt, 10)));
                }
            }

            if (!_subscribed.Task.IsCompleted)
            {
                await SubscribeAsync();
            }

            _handler?.OnMessagesMayHaveBeenMissed();
        }
        finally
        {
            Volatile.Write(ref _recovering, 0);
        }
    }
}
