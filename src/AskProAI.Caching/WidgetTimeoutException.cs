using System.Globalization;

namespace AskProAI.Caching;

/// <summary>
/// Thrown to a caller that waited for a widget's computation for its hard timeout (<see cref="TierOptions.HardTimeout"/>).
/// The computation is not cancelled: it goes on, and its value is cached for the next request. A service answers it
/// with 503 and <c>Retry-After</c>.
/// </summary>
public sealed class WidgetTimeoutException : TimeoutException
{
    /// <summary>Initializes a new instance for a widget and the timeout it passed.</summary>
    public WidgetTimeoutException(string widget, TimeSpan timeout)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"Widget '{widget}' was not computed within its hard timeout of {timeout.TotalSeconds:0.###} s; the computation goes on and its value will be cached."))
    {
        Widget = widget;
        Timeout = timeout;
    }

    /// <summary>Gets the widget whose computation timed out.</summary>
    public string Widget { get; }

    /// <summary>Gets the hard timeout that passed.</summary>
    public TimeSpan Timeout { get; }
}
