using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis;

/// <summary>Options of the Redis L2 store, backplane and lock, bound from the <c>Cache:Redis</c> configuration section.</summary>
public sealed class RedisCacheOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Cache:Redis";

    /// <summary>Gets or sets the StackExchange.Redis connection string, such as <c>127.0.0.1:6379</c>.</summary>
    /// <value>There is no default: it must be set.</value>
    [Required(ErrorMessage = "The Configuration must be set (a StackExchange.Redis connection string).")]
    public string Configuration { get; set; } = string.Empty;

    /// <summary>Gets or sets the prefix of every key and of the backplane channel; it must not contain <c>{</c> or <c>}</c>.</summary>
    /// <value>The default value is <c>askpro:</c>.</value>
    [Required]
    [StringLength(64)]
    [RegularExpression("^[^{}]+$", ErrorMessage = "The Prefix must not contain '{{' or '}}' (they would change the hash slot).")]
    public string Prefix { get; set; } = "askpro:";

    /// <summary>Gets or sets the payload size from which values are Brotli-compressed (quality 1) in Redis.</summary>
    /// <value>The default value is 1,024 bytes.</value>
    [Range(0, int.MaxValue)]
    public int CompressionThresholdBytes { get; set; } = 1024;

    /// <summary>Gets or sets how long one Redis operation may take before it counts as failed.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "00:01:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets how long a connection attempt may take; requests made while the first one runs wait at most this long.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "10675199.02:48:05.4775807")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the longest wait between two reconnection attempts (the backoff grows up to it).</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "10675199.02:48:05.4775807")]
    public TimeSpan ReconnectMaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many consecutive failed operations open the circuit breaker.</summary>
    /// <value>The default value is 5.</value>
    [Range(1, 10_000)]
    public int BreakerFailureThreshold { get; set; } = 5;

    /// <summary>Gets or sets how long the open circuit rejects calls before one probe call is let through.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "10675199.02:48:05.4775807")]
    public TimeSpan BreakerOpenDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long Redis keeps an entry past its expiry, so that clocks a little apart agree.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "10675199.02:48:05.4775807")]
    public TimeSpan ExpiryMargin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long a tag stamp is kept after its last move. It must exceed the longest widget TTL, or an
    /// entry could outlive the stamp that invalidates it.
    /// </summary>
    /// <value>The default value is 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "10675199.02:48:05.4775807")]
    public TimeSpan TagStampRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Gets or sets how long a released computation lock still refuses other owners, so that an instance polling
    /// L2 for the owner's value reads it instead of computing again; zero deletes the lock at once.
    /// </summary>
    /// <value>The default value is 100 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan LockReleaseGrace { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets how long an invalidation waits, after its message went out, for every other live instance to say it
    /// applied it (dropped its copies), so that a read on any instance right after the write's acknowledgement sees the
    /// write. An instance that has not answered by then is counted and logged, and the write goes on; zero does not wait.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan BackplaneAcknowledgementWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how often an instance announces itself on the backplane, so the others know whom to wait for.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.0100000", "00:01:00")]
    public TimeSpan BackplaneHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how long an instance that stopped announcing itself is still waited for (one that stops cleanly says
    /// goodbye and is not). It must be longer than <see cref="BackplaneHeartbeatInterval"/>; a slow instance taken for
    /// gone would no longer be waited for, so it is generous.
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.0200000", "00:10:00")]
    public TimeSpan BackplanePeerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets this instance's lease on its memory (ADR 0024): how long it may serve widgets from L1 after one of its
    /// own heartbeats came back through the backplane, which proves that every message published before that heartbeat was
    /// applied here. While the lease has run out (message handling stalled, the subscription slow or down) reads go to L2,
    /// checked against the tag stamps, until a heartbeat comes back; and a writer that got no answer from an instance
    /// waits at most this long (plus a margin for clock-rate drift) after its message, since that instance no longer
    /// serves L1 by then. It must be at least twice <see cref="BackplaneHeartbeatInterval"/>; zero turns leases off
    /// (an instance that does not answer within <see cref="BackplaneAcknowledgementWait"/> may then serve a stale copy).
    /// </summary>
    /// <value>The default value is 3 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BackplaneLease { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Returns the StackExchange.Redis options the cache needs from a connection: <see cref="Configuration"/> with the
    /// timeouts and reconnection backoff of these options, no abort when the first connection fails (reconnection
    /// runs in the background), and commands failing at once while disconnected instead of queuing. An application
    /// that shares one multiplexer with the cache (<c>UseRedis(configure, connection)</c>) builds it from these.
    /// </summary>
    public ConfigurationOptions CreateConfigurationOptions()
    {
        var config = ConfigurationOptions.Parse(Configuration);
        config.AbortOnConnectFail = false;
        config.ConnectTimeout = Milliseconds(ConnectTimeout);
        config.SyncTimeout = config.AsyncTimeout = Milliseconds(OperationTimeout);
        config.ReconnectRetryPolicy = new ExponentialRetry(250, Math.Max(250, Milliseconds(ReconnectMaxBackoff)));

        // Queuing commands while disconnected would make every request wait for the timeout; fail fast instead.
        config.BacklogPolicy = BacklogPolicy.FailFast;
        return config;
    }

    private static int Milliseconds(TimeSpan span) => (int)Math.Clamp(span.TotalMilliseconds, 1, int.MaxValue);
}

/// <summary>Validates <see cref="RedisCacheOptions"/> from its attributes, by the options source generator.</summary>
[OptionsValidator]
internal sealed partial class RedisCacheOptionsValidator : IValidateOptions<RedisCacheOptions>;
