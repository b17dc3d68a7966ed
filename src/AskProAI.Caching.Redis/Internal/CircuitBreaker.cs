namespace AskProAI.Caching.Redis.Internal;

/// <summary>
/// Consecutive-failure circuit breaker: closed until <c>threshold</c> failures in a row, then open (every call
/// fails at once) for the open duration, then half-open: one probe call goes through and its result closes or
/// reopens the circuit. A lock guards the state: it is taken once per Redis call, which costs far less than the call.
/// </summary>
internal sealed class CircuitBreaker(int threshold, TimeSpan openDuration, TimeProvider time)
{
    private readonly Lock _gate = new();
    private RedisCircuitState _state;
    private int _failures;
    private long _openUntilTicks;
    private bool _probing;

    public RedisCircuitState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Whether a call may go to Redis; <paramref name="probe"/> tells the caller it is the half-open probe.</summary>
    public bool TryEnter(out bool probe)
    {
        probe = false;
        lock (_gate)
        {
            switch (_state)
            {
                case RedisCircuitState.Closed:
                    return true;
                case RedisCircuitState.Open when time.GetUtcNow().UtcTicks >= _openUntilTicks:
                    _state = RedisCircuitState.HalfOpen;
                    _probing = probe = true;
                    return true;
                case RedisCircuitState.HalfOpen when !_probing:
                    _probing = probe = true;
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>Records a success; returns true when it closed the circuit.</summary>
    public bool OnSuccess()
    {
        lock (_gate)
        {
            _failures = 0;
            _probing = false;
            var closed = _state != RedisCircuitState.Closed;
            _state = RedisCircuitState.Closed;
            return closed;
        }
    }

    /// <summary>Records a failure; returns the failure count when it opened the circuit, else 0.</summary>
    public int OnFailure()
    {
        lock (_gate)
        {
            _failures++;
            if (_state == RedisCircuitState.HalfOpen || (_state == RedisCircuitState.Closed && _failures >= threshold))
            {
                return Open();
            }

            return 0;
        }
    }

    /// <summary>A probe ended without telling anything (the caller cancelled): let another probe through.</summary>
    public void OnAbandoned(bool probe)
    {
        if (probe)
        {
            lock (_gate)
            {
                _probing = false;
            }
        }
    }

    /// <summary>Opens the circuit now (the connection is known to be down); returns the failure count when it opened it.</summary>
    public int Trip()
    {
        lock (_gate)
        {
            return _state == RedisCircuitState.Open ? 0 : Open();
        }
    }

    /// <summary>The connection is back: let a probe through now rather than at the end of the open period.</summary>
    public void AllowProbe()
    {
        lock (_gate)
        {
            if (_state == RedisCircuitState.Open)
            {
                _state = RedisCircuitState.HalfOpen;
                _probing = false;
            }
        }
    }

    private int Open()
    {
        var failures = Math.Max(_failures, 1);
        _state = RedisCircuitState.Open;
        _probing = false;
        _openUntilTicks = time.GetUtcNow().UtcTicks + openDuration.Ticks;
        _failures = 0;
        return failures;
    }
}
