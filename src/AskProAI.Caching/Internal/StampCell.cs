using System.Runtime.CompilerServices;

namespace AskProAI.Caching.Internal;

/// <summary>One invalidation timestamp (a value of the cache's logical clock), only ever moved forward.</summary>
internal sealed class StampCell
{
    private long _value;

    public long Value
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _value);
    }

    public void MoveTo(long stamp)
    {
        var current = Volatile.Read(ref _value);
        while (stamp > current)
        {
            var seen = Interlocked.CompareExchange(ref _value, stamp, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
