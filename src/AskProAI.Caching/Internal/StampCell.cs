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

    public void MoveTo(long stamp) => MoveTo(ref _value, stamp);

    /// <summary>Moves a stamp held in any field forward to <paramref name="stamp"/>, never back (lock-free).</summary>
    public static void MoveTo(ref long cell, long stamp)
    {
        var current = Volatile.Read(ref cell);
        while (stamp > current)
        {
            var seen = Interlocked.CompareExchange(ref cell, stamp, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
