using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>
/// Invalidations over Redis pub/sub on <c>{prefix}backplane</c>, acknowledged (ADR 0023). An invalidation is
/// <c>3|{instance id}|{sequence}|{tag}|{tag}...</c> (1 to 1,000 tags: one write, one message, one live push on the other
/// instances); every instance that applied it answers <c>{its id}|{sequence}</c> on the sender's
/// <c>{prefix}backplane:ack:{sender id}</c>, and the sender's publish returns once every live instance answered or
/// <see cref="RedisCacheOptions.BackplaneAcknowledgementWait"/> ran out: a read on any instance right after the write's
/// acknowledgement sees it. Whom to wait for comes from heartbeats (<c>h|{id}</c> every
/// <see cref="RedisCacheOptions.BackplaneHeartbeatInterval"/>; <c>b|{id}</c> when an instance stops). Versions 1
/// (<c>1|{id}|{tag}</c>) and 2 (<c>2|{id}|{tag}|{tag}...</c>) of earlier releases are still applied, unacknowledged. An
/// instance ignores its own messages. Pub/sub is at most once, so a connection failure or restoration that may have cost
/// messages tells the handler so (it then drops L1 and redelivers its own undelivered ones); on a Redis Cluster, one of a
/// master that carries no subscription tells it only that master's companies may be stale (ADR 0027).
/// <para>
/// Leases (ADR 0024): the channel is handled in the order Redis delivered it, one message after the other (a
/// <see cref="ChannelMessageQueue"/>; a handler delegate would run each message on its own pool thread, in no order).
/// A heartbeat carries its send time, <c>h|{id}|{lease ms}|{timestamp}</c>; when an instance's own heartbeat comes back,
/// every message Redis ordered before it has been applied, so L1 may be served until that send time plus
/// <see cref="RedisCacheOptions.BackplaneLease"/> (<see cref="IBackplaneHandler.OnLease"/>). A writer whose message got no
/// answer from an instance waits until that instance's lease has surely run out: from when it heard the instance's
/// last heartbeat before its own message came back, at most from its PUBLISH. A crashed instance thus costs nothing
/// once its last lease is over, a stalled one at most the lease.
/// </para>
/// </summary>
internal sealed class RedisCacheBackplane : ICacheBackplane, IAsyncDisposable, IDisposable
{
    private const string Version = "1";
    private const string ManyVersion = "2";
    private const string AckedVersion = "3";
    private const string Heartbeat = "h";
    private const string Goodbye = "b";

    private readonly RedisConnection _redis;
    private readonly ILogger _logger;
    private readonly RedisMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly Action<RedisChannel, RedisValue> _onAck;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, long> _peers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, PendingAcknowledgement> _pending = new();
    private readonly ConcurrentDictionary<string, PeerLease> _leases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _laterReleases = new(StringComparer.Ordinal);
    private readonly Action<ChannelMessage> _onQueued;
    private readonly string _ownPrefix;
    private readonly string _ownHeartbeatPrefix;
    private readonly RedisChannel _ownAckChannel;
    private IBackplaneHandler? _handler;
    private ChannelMessageQueue? _queue;
    private long _sequence;
    private long _leaseEnds;
    private long _failures;
    private long _leaseBlocked;
    private int _subscribing;
    private int _recovering;
    private int _disposed;

    public RedisCacheBackplane(RedisConnection redis, ILogger<RedisCacheBackplane> logger, RedisMetrics metrics)
    {
        _redis = redis;
        _logger = logger;
        _metrics = metrics;
        _time = redis.Time;
        _onQueued = m => OnMessage(m.Message);
        _onAck = OnAcknowledgement;
        _ownPrefix = AckedVersion + "|" + redis.InstanceId + "|";
        _ownHeartbeatPrefix = Heartbeat + "|" + redis.InstanceId + "|";
        _ownAckChannel = redis.Keys.AckChannel(redis.InstanceId);
    }

    /// <summary>Completes when both subscriptions (the channel and this instance's acknowledgements) were first confirmed by Redis.</summary>
    internal Task WhenSubscribed => _subscribed.Task;

    public ValueTask PublishAsync(CacheTag tag, CancellationToken cancellationToken) => PublishAsync([tag], cancellationToken);

    /// <summary>
    /// One message for the tags; returns once every other live instance acknowledged that it applied it, or the
    /// acknowledgement wait ran out (counted and logged, not thrown: the tags' stamps are in L2 already, so the
    /// invalidation is not lost, only possibly late on the instance that did not answer).
    /// </summary>
    public async ValueTask PublishAsync(IReadOnlyList<CacheTag> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count == 0)
        {
            return;
        }

        var sequence = Interlocked.Increment(ref _sequence);
        var message = string.Create(CultureInfo.InvariantCulture, $"{_ownPrefix}{sequence}|{string.Join('|', tags.Select(t => t.ToString()))}");
        var wait = _redis.Options.BackplaneAcknowledgementWait;
        var awaited = wait > TimeSpan.Zero ? Live() : [];
        var awaitedCount = awaited.Count; // the set shrinks as answers arrive
        PendingAcknowledgement? pending = null;
        if (awaitedCount > 0)
        {
            // With leases, an instance that does not answer has stopped serving L1 at the latest one lease after this
            // PUBLISH (its last heartbeat before this message was sent before it); its own message coming back tells when
            // exactly (Echoed), usually much earlier.
            if (LeasesOn)
            {
                wait = Max(wait, Outlasting(LongestLease(awaited)));
            }

            // Registered before the message goes out: an answer may arrive before PUBLISH returns.
            pending = new PendingAcknowledgement(awaited);
            _pending[sequence] = pending;
        }

        try
        {
            await _redis.ExecuteAsync(
                "publish",
                _redis.Keys.ChannelRoute,
                (Channel: _redis.Keys.Channel, Message: message),
                static (db, s) => db.PublishAsync(s.Channel, s.Message),
                cancellationToken);
            if (pending is null)
            {
                _metrics.Acknowledged("alone", 0);
                return;
            }

            var started = _time.GetTimestamp();
            try
            {
                await pending.Done.WaitAsync(wait, _time, cancellationToken);
                var waited = _time.GetElapsedTime(started).TotalMilliseconds;
                if (pending.Released == 0)
                {
                    _metrics.Acknowledged("confirmed", waited);
                }
                else
                {
                    _metrics.Acknowledged("lease", waited);
                    if (pending.WaitedOutLease)
                    {
                        Log.LeaseWaitedOut(_logger, sequence, pending.Released, awaitedCount, waited);
                    }
                }
            }
            catch (TimeoutException)
            {
                var waited = _time.GetElapsedTime(started).TotalMilliseconds;
                _metrics.Acknowledged("timeout", waited);
                Log.AcknowledgementTimedOut(_logger, sequence, pending.Missing, awaitedCount, waited);
            }
        }
        finally
        {
            if (pending is not null)
            {
                _pending.TryRemove(sequence, out _);
                pending.Dispose();
            }
        }
    }

    public void Subscribe(IBackplaneHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("The backplane already has a handler.");
        }

        if (LeasesOn)
        {
            // No L1 until the first own heartbeat came back: messages published before the subscription are unknown here.
            handler.OnLease(TimeSpan.Zero);
        }

        _redis.Failed += OnConnectionFailed;
        _redis.Restored += OnConnectionRestored;
        _ = SubscribeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _redis.Failed -= OnConnectionFailed;
        _redis.Restored -= OnConnectionRestored;
        await _stopping.CancelAsync();
        if (_subscribed.Task.IsCompletedSuccessfully)
        {
            try
            {
                // The others stop waiting for this instance at once instead of after the peer timeout.
                await _redis.ExecuteAsync(
                    "publish",
                    _redis.Keys.ChannelRoute,
                    (Channel: _redis.Keys.Channel, Message: Goodbye + "|" + _redis.InstanceId),
                    static (db, s) => db.PublishAsync(s.Channel, s.Message),
                    CancellationToken.None);
            }
            catch (Exception)
            {
                // Redis away or the connection closing: the others forget this instance after the peer timeout.
            }
        }

        // On an application's multiplexer (which outlives the cache) the queue's loop would otherwise go on handling messages.
        if (Interlocked.Exchange(ref _queue, null) is { } queue)
        {
            try
            {
                await queue.UnsubscribeAsync(CommandFlags.FireAndForget);
            }
            catch (Exception)
            {
                // The connection is closing: the loop ends with it.
            }
        }

        _stopping.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Whether <paramref name="instanceId"/> is among the instances this one waits for.</summary>
    internal bool Knows(string instanceId) => Live().Contains(instanceId);

    /// <summary>Parses a message; returns null for the instance's own messages, throws <see cref="FormatException"/> for garbage.</summary>
    internal static BackplaneMessage? Parse(string? text, string ownId)
    {
        var parts = (text ?? string.Empty).Split('|', 3);
        if (parts.Length >= 2 && parts[0] is Heartbeat or Goodbye)
        {
            // h|{id}, b|{id}, or h|{id}|{lease ms}|{timestamp} from an instance that holds a lease. Fields after those are a
            // later release's additions (rolling upgrades): ignored.
            var lease = TimeSpan.Zero;
            if (parts[1].Length != 32 || (parts.Length == 3 && parts[0] == Heartbeat && !TryParseLease(parts[2], out lease, out _)))
            {
                throw new FormatException("not a heartbeat or goodbye");
            }

            return parts[1] == ownId
                ? null
                : new BackplaneMessage(parts[1], 0, [], parts[0] == Goodbye ? BackplaneMessageKind.Goodbye : BackplaneMessageKind.Heartbeat, lease);
        }

        if (parts.Length == 3 && parts[1].Length == 32 && IsLaterVersion(parts[0]))
        {
            return parts[1] == ownId ? null : FromLaterRelease(parts[1], parts[2]);
        }

        if (parts.Length != 3 || (parts[0] != Version && parts[0] != ManyVersion && parts[0] != AckedVersion) || parts[1].Length != 32)
        {
            throw new FormatException("not a version 1, 2 or 3 backplane message");
        }

        if (parts[1] == ownId)
        {
            return null;
        }

        if (parts[0] == Version)
        {
            return CacheTag.TryParse(parts[2], out var tag, out _)
                ? new BackplaneMessage(parts[1], 0, [tag], BackplaneMessageKind.Invalidation)
                : throw new FormatException("unknown tag");
        }

        var rest = parts[2];
        long sequence = 0;
        if (parts[0] == AckedVersion)
        {
            var bar = rest.IndexOf('|', StringComparison.Ordinal);
            if (bar <= 0 || !long.TryParse(rest.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out sequence) || sequence <= 0)
            {
                throw new FormatException("a version 3 message carries a positive sequence number");
            }

            rest = rest[(bar + 1)..];
        }

        var names = rest.Split('|');
        var least = parts[0] == ManyVersion ? 2 : 1;
        if (names.Length < least || names.Length > MaxTagsPerMessage)
        {
            throw new FormatException($"a version {parts[0]} message carries {least} to {MaxTagsPerMessage} tags");
        }

        var tags = new CacheTag[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            tags[i] = CacheTag.TryParse(names[i], out var tag, out _) ? tag : throw new FormatException("unknown tag");
        }

        return new BackplaneMessage(parts[1], sequence, tags, BackplaneMessageKind.Invalidation);
    }

    /// <summary>
    /// Whether a message's first field is a version this release does not know: 4 to 99. From version 3 on, every
    /// invalidation message starts with <c>{version}|{sender}|{sequence}|</c>, whatever follows; a later release keeps that
    /// envelope (docs/distributed.md, "Rolling upgrades").
    /// </summary>
    private static bool IsLaterVersion(string field) =>
        field.Length is 1 or 2 && int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 3;

    /// <summary>
    /// A later release's invalidation, during a rolling upgrade: what it invalidated cannot be read here, so it stands for
    /// everything (this instance drops its whole L1, and L2 still checks each copy against the stamps), and it is
    /// acknowledged like any other, so the later release's writer does not wait out this instance.
    /// </summary>
    private static BackplaneMessage FromLaterRelease(string sender, string rest)
    {
        var bar = rest.IndexOf('|', StringComparison.Ordinal);
        if (!long.TryParse(bar < 0 ? rest : rest.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            throw new FormatException("a message of a later version carries its sequence number after the sender");
        }

        return new BackplaneMessage(sender, sequence, [CacheTag.All], BackplaneMessageKind.Invalidation) { FromLaterRelease = true };
    }

    /// <summary>The most tags one message may carry (a write touches a handful; garbage is refused, not applied).</summary>
    internal const int MaxTagsPerMessage = 1000;

    /// <summary>
    /// How long after a moment a lease that started before it has surely run out, on another host's clock: the lease, 1 %
    /// for the two monotonic clocks' rates (quartz drifts 0.01 % or less) and 50 ms for the coarse clock the reads use.
    /// </summary>
    internal static TimeSpan Outlasting(TimeSpan lease) => lease + (lease / 100) + TimeSpan.FromMilliseconds(50);

    /// <summary><c>{lease ms}|{timestamp}</c> of a heartbeat: a positive lease and the sender's own clock reading.</summary>
    private static bool TryParseLease(ReadOnlySpan<char> text, out TimeSpan lease, out long sentAt)
    {
        lease = TimeSpan.Zero;
        sentAt = 0;
        var bar = text.IndexOf('|');
        var sent = bar <= 0 ? default : text[(bar + 1)..];
        var more = sent.IndexOf('|'); // a later release's fields after the timestamp are ignored
        if (bar <= 0
            || !long.TryParse(text[..bar], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms <= 0 || ms > 3_600_000
            || !long.TryParse(more < 0 ? sent : sent[..more], NumberStyles.None, CultureInfo.InvariantCulture, out sentAt))
        {
            return false;
        }

        lease = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    private bool LeasesOn => _redis.Options.BackplaneLease > TimeSpan.Zero;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The longest lease any of <paramref name="peers"/> announced, and never shorter than this instance's own.</summary>
    private TimeSpan LongestLease(HashSet<string> peers)
    {
        var longest = _redis.Options.BackplaneLease;
        foreach (var peer in peers)
        {
            if (_leases.TryGetValue(peer, out var lease))
            {
                longest = Max(longest, lease.Lease);
            }
        }

        return longest;
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond);
    /// <summary>The other instances heard from within the peer timeout; the ones not heard from are forgotten.</summary>
    private HashSet<string> Live()
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        var timeout = _redis.Options.BackplanePeerTimeout;
        foreach (var (peer, heard) in _peers)
        {
            if (_time.GetElapsedTime(heard) < timeout)
            {
                live.Add(peer);
            }
            else if (_peers.TryRemove(new KeyValuePair<string, long>(peer, heard)))
            {
                _leases.TryRemove(peer, out _); // every restart is a new id: nothing of a gone one is kept
                Log.PeerLeft(_logger, peer, "not heard within the peer timeout");
            }
        }

        return live;
    }

    private void Heard(string peer)
    {
        var now = _time.GetTimestamp();
        if (_peers.TryAdd(peer, now))
        {
            Log.PeerJoined(_logger, peer);
        }
        else
        {
            _peers[peer] = now;
        }
    }

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

                    // A failed attempt may have left the handlers registered locally; remove them so none is added twice.
                    if (Interlocked.Exchange(ref _queue, null) is { } earlier)
                    {
                        await earlier.UnsubscribeAsync(CommandFlags.FireAndForget);
                    }

                    await subscriber.UnsubscribeAsync(_ownAckChannel, _onAck, CommandFlags.FireAndForget);
                    await subscriber.SubscribeAsync(_ownAckChannel, _onAck).WaitAsync(_redis.Options.ConnectTimeout);

                    // A queue, handled one message after the other in Redis's order (what leases rest on); acknowledgements need no order.
                    var subscribing = subscriber.SubscribeAsync(_redis.Keys.Channel);
                    ChannelMessageQueue queue;
                    try
                    {
                        queue = await subscribing.WaitAsync(_redis.Options.ConnectTimeout);
                    }
                    catch (TimeoutException)
                    {
                        _ = subscribing.ContinueWith(static t => t.Result.Unsubscribe(CommandFlags.FireAndForget), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                        throw;
                    }

                    queue.OnMessage(_onQueued);
                    Volatile.Write(ref _queue, queue);
                    _subscribed.TrySetResult();
                    _ = HeartbeatAsync();
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

    /// <summary>Announces this instance at once and then every heartbeat interval, until disposed.</summary>
    private async Task HeartbeatAsync()
    {
        var plain = Heartbeat + "|" + _redis.InstanceId;
        var lease = _redis.Options.BackplaneLease;
        var withLease = _ownHeartbeatPrefix + ((long)lease.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "|";
        using var timer = new PeriodicTimer(_redis.Options.BackplaneHeartbeatInterval, _time);
        try
        {
            do
            {
                try
                {
                    // Read before the PUBLISH: the lease it renews on its return counts from no later than Redis ordered it.
                    var message = lease > TimeSpan.Zero ? withLease + _time.GetTimestamp().ToString(CultureInfo.InvariantCulture) : plain;
                    await _redis.ExecuteAsync(
                        "heartbeat",
                        _redis.Keys.ChannelRoute,
                        (Channel: _redis.Keys.Channel, Message: message),
                        static (db, s) => db.PublishAsync(s.Channel, s.Message),
                        _stopping.Token);
                }
                catch (ObjectDisposedException)
                {
                    return; // the connection is gone: so is this instance, for the others
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Counted by the connection; the others keep waiting for this instance until the peer timeout.
                }
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token));
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    /// <summary>One message of the channel; called for one message after the other, in the order Redis delivered them.</summary>
    private void OnMessage(RedisValue value)
    {
        var text = (string?)value;
        if (text is not null && text.StartsWith(_ownHeartbeatPrefix, StringComparison.Ordinal))
        {
            _metrics.BackplaneMessage("own");
            OwnHeartbeatCameBack(text.AsSpan(_ownHeartbeatPrefix.Length));
            return;
        }

        if (text is not null && text.StartsWith(_ownPrefix, StringComparison.Ordinal))
        {
            _metrics.BackplaneMessage("own");
            var rest = text.AsSpan(_ownPrefix.Length);
            var bar = rest.IndexOf('|');
            if (bar > 0 && long.TryParse(rest[..bar], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                Echoed(sequence);
            }

            return;
        }

        BackplaneMessage? parsed;
        try
        {
            parsed = Parse(text, _redis.InstanceId);
        }
        catch (FormatException ex)
        {
            _metrics.BackplaneMessage("invalid");
            Log.InvalidBackplaneMessage(_logger, text?.Length ?? 0, ex.Message);
            return;
        }

        if (parsed is not { } message)
        {
            _metrics.BackplaneMessage("own");
            return;
        }

        switch (message.Kind)
        {
            case BackplaneMessageKind.Heartbeat:
                Heard(message.Sender);
                if (message.Lease > TimeSpan.Zero)
                {
                    // Only here, in the channel's order: what a writer knows of an instance's lease when its own message comes back.
                    _leases[message.Sender] = new PeerLease(_time.GetTimestamp(), message.Lease);
                }
                else
                {
                    _leases.TryRemove(message.Sender, out _);
                }

                return;
            case BackplaneMessageKind.Goodbye:
                Forget(message.Sender);
                return;
        }

        Heard(message.Sender);
        _metrics.BackplaneMessage(message.FromLaterRelease ? "later-release" : "applied");
        if (message.FromLaterRelease && _laterReleases.TryAdd(message.Sender, 0))
        {
            Log.LaterReleaseHeard(_logger, message.Sender);
        }

        try
        {
            if (message.Tags.Length == 1)
            {
                _handler?.OnRemoteInvalidation(message.Tags[0]);
            }
            else
            {
                _handler?.OnRemoteInvalidations(message.Tags);
            }
        }
        finally
        {
            if (message.Sequence > 0)
            {
                // Only now: the sender's write is acknowledged once this instance has dropped its copies.
                _ = AcknowledgeAsync(message.Sender, message.Sequence);
            }
        }
    }

    /// <summary>
    /// An own heartbeat came back: every message Redis ordered before it has been handled (this is the channel's order), so
    /// L1 may be served until its send time plus the lease. Not while a connection failure has not been recovered from:
    /// messages published meanwhile may be lost, and L1 is dropped only once the connection is back.
    /// </summary>
    private void OwnHeartbeatCameBack(ReadOnlySpan<char> leaseAndSentAt)
    {
        var lease = _redis.Options.BackplaneLease;
        if (lease <= TimeSpan.Zero || Volatile.Read(ref _leaseBlocked) != 0 || !TryParseLease(leaseAndSentAt, out _, out var sentAt))
        {
            return;
        }

        var now = _time.GetTimestamp();
        var remaining = lease - _time.GetElapsedTime(sentAt, now);
        if (remaining <= TimeSpan.Zero)
        {
            return; // back later than the lease it would have renewed
        }

        var ends = Volatile.Read(ref _leaseEnds);
        if (ends != 0 && now > ends)
        {
            var lapsed = _time.GetElapsedTime(ends, now).TotalMilliseconds;
            _metrics.LeaseLapsed(lapsed);
            Log.LeaseRenewedAfterLapse(_logger, lapsed);
        }

        Volatile.Write(ref _leaseEnds, now + ToTimestamp(remaining));
        _handler?.OnLease(remaining);
    }

    /// <summary>
    /// This instance's own message came back: the heartbeats heard so far are every instance's last before it. An instance
    /// that has not answered serves no L1 copy once the lease of that heartbeat has run out: it is let go then (at once for
    /// one whose heartbeats stopped a lease ago, such as a crashed instance).
    /// </summary>
    private void Echoed(long sequence)
    {
        if (!_pending.TryGetValue(sequence, out var pending))
        {
            return;
        }

        var now = _time.GetTimestamp();
        long latest = 0;
        List<string>? later = null;
        foreach (var peer in pending.Unanswered())
        {
            if (!_leases.TryGetValue(peer, out var lease))
            {
                continue; // no lease announced: only an answer or the wait ends it
            }

            var over = lease.HeardAt + ToTimestamp(Outlasting(lease.Lease));
            if (over <= now)
            {
                pending.Release(peer, waited: false);
            }
            else
            {
                (later ??= []).Add(peer);
                latest = Math.Max(latest, over);
            }
        }

        if (later is not null)
        {
            pending.ReleaseLater(later, _time.GetElapsedTime(now, latest), _time);
        }
    }

    private async Task AcknowledgeAsync(string sender, long sequence)
    {
        try
        {
            await _redis.ExecuteAsync(
                "acknowledge",
                (Channel: _redis.Keys.AckChannel(sender), Message: string.Create(CultureInfo.InvariantCulture, $"{_redis.InstanceId}|{sequence}")),
                static (db, s) => db.PublishAsync(s.Channel, s.Message),
                CancellationToken.None);
        }
        catch (Exception)
        {
            // Counted by the connection; the sender's wait runs out and it logs the missing answer.
        }
    }

    private void OnAcknowledgement(RedisChannel channel, RedisValue value)
    {
        var text = (string?)value ?? string.Empty;
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        if (bar != 32 || !long.TryParse(text.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            _metrics.BackplaneMessage("invalid");
            Log.InvalidBackplaneMessage(_logger, text.Length, "not an acknowledgement");
            return;
        }

        var peer = text[..bar];
        Heard(peer);
        if (_pending.TryGetValue(sequence, out var pending))
        {
            pending.Answered(peer);
        }
    }

    private void Forget(string peer)
    {
        _leases.TryRemove(peer, out _);
        if (_peers.TryRemove(peer, out _))
        {
            Log.PeerLeft(_logger, peer, "said goodbye");
        }

        foreach (var pending in _pending.Values)
        {
            pending.Answered(peer);
        }
    }

    private void OnConnectionFailed(ConnectionType type, EndPoint? endPoint)
    {
        if (OnlyNode(endPoint) is { } node)
        {
            // A master that carries no subscription of the backplane: no message was missed, but its companies'
            // invalidations may be stuck at their writers (their stamps could not be written): drop only those.
            _handler?.OnCompaniesMayBeStale(CompaniesOf(node));
            return;
        }

        // Until the recovery dropped L1 again, a heartbeat coming back does not renew the lease (messages may be lost).
        Volatile.Write(ref _leaseBlocked, Interlocked.Increment(ref _failures));
        _handler?.OnMessagesMayHaveBeenMissed();
    }

    private void OnConnectionRestored(ConnectionType type, EndPoint? endPoint) => _ = RecoverAsync(OnlyNode(endPoint));

    /// <summary>
    /// The cluster master a connection event concerns alone, or null when it may concern every company: standalone Redis
    /// or an unknown endpoint; the node whose subscription connection carries the channel (messages may be lost), or that
    /// serves the channel's slot (every message is published there) or the global tags' slot (stamps of every company).
    /// </summary>
    private RedisNode? OnlyNode(EndPoint? endPoint)
    {
        var node = _redis.ClusterNode(endPoint);
        return node is null
            || _redis.SubscribedEndPoint(_redis.Keys.Channel) is not { } subscribed || subscribed.Equals(endPoint)
            || ReferenceEquals(_redis.NodeOf(_redis.Keys.ChannelRoute), node)
            || ReferenceEquals(_redis.NodeOf(_redis.Keys.Tag(CacheTag.All.ToString()).Key), node)
                ? null
                : node;
    }

    /// <summary>Selects the companies whose slot <paramref name="node"/> serves.</summary>
    private Func<int, bool> CompaniesOf(RedisNode node) => companyId => ReferenceEquals(_redis.NodeOf(_redis.Keys.Company(companyId, string.Empty)), node);

    /// <summary>
    /// After a reconnect, waits until a PING goes through and only then tells the handler, whose redelivery of
    /// undelivered invalidations would otherwise fail again on a connection announced but not yet usable. A cluster master
    /// that carries no subscription (<paramref name="only"/>) drops only its companies' copies, as when it failed.
    /// </summary>
    private async Task RecoverAsync(RedisNode? only)
    {
        if (only is not null)
        {
            _handler?.OnCompaniesMayBeStale(CompaniesOf(only));
            return;
        }

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

            var blocked = Volatile.Read(ref _leaseBlocked);
            _handler?.OnMessagesMayHaveBeenMissed();
            Interlocked.CompareExchange(ref _leaseBlocked, 0, blocked); // unless another failure came meanwhile
        }
        finally
        {
            Volatile.Write(ref _recovering, 0);
        }
    }

    /// <summary>When this instance heard another's last heartbeat (its own clock) and the lease that heartbeat announced.</summary>
    private readonly record struct PeerLease(long HeardAt, TimeSpan Lease);

    /// <summary>The instances one message waits for; done when each answered, said goodbye or was let go by its lease.</summary>
    private sealed class PendingAcknowledgement : IDisposable
    {
        private readonly HashSet<string> _awaited;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ITimer? _timer;
        private bool _disposed;

        public PendingAcknowledgement(HashSet<string> awaited) => _awaited = awaited;

        public Task Done => _done.Task;

        /// <summary>Gets how many instances were let go by their lease instead of answering.</summary>
        public int Released { get; private set; }

        /// <summary>Gets whether the wait went on for a lease to run out (an instance alive but not handling messages).</summary>
        public bool WaitedOutLease { get; private set; }

        public string[] Unanswered()
        {
            lock (_awaited)
            {
                return [.. _awaited];
            }
        }

        public void Release(string peer, bool waited) => Remove(peer, released: true, waited);

        /// <summary>Lets <paramref name="peers"/> go after <paramref name="due"/>, once their leases have run out.</summary>
        public void ReleaseLater(List<string> peers, TimeSpan due, TimeProvider time)
        {
            lock (_awaited)
            {
                if (!_disposed)
                {
                    _timer = time.CreateTimer(
                        static s =>
                        {
                            var (pending, peers) = ((PendingAcknowledgement, List<string>))s!;
                            foreach (var peer in peers)
                            {
                                pending.Release(peer, waited: true);
                            }
                        },
                        (this, peers),
                        due,
                        Timeout.InfiniteTimeSpan);
                }
            }
        }

        public void Dispose()
        {
            lock (_awaited)
            {
                _disposed = true;
                _timer?.Dispose();
            }
        }

        public int Missing
        {
            get
            {
                lock (_awaited)
                {
                    return _awaited.Count;
                }
            }
        }

        public void Answered(string peer) => Remove(peer, released: false, waited: false);

        private void Remove(string peer, bool released, bool waited)
        {
            lock (_awaited)
            {
                if (!_awaited.Remove(peer))
                {
                    return;
                }

                if (released)
                {
                    Released++;
                    WaitedOutLease |= waited;
                }

                if (_awaited.Count == 0)
                {
                    _done.TrySetResult();
                }
            }
        }
    }
}
