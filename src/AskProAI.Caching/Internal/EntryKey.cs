using System.Runtime.CompilerServices;

namespace AskProAI.Caching.Internal;

/// <summary>The L1 dictionary key: a value type, so that looking it up allocates nothing.</summary>
internal readonly struct EntryKey(int widget, int companyId, int bucket) : IEquatable<EntryKey>
{
    public int Widget { get; } = widget;

    public int CompanyId { get; } = companyId;

    public int Bucket { get; } = bucket;

    public EntryKey Previous => new(Widget, CompanyId, Bucket - 1);

    public EntryKey Next => new(Widget, CompanyId, Bucket + 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(EntryKey other) => Bucket == other.Bucket && CompanyId == other.CompanyId && Widget == other.Widget;

    public override bool Equals(object? obj) => obj is EntryKey k && Equals(k);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override int GetHashCode() => unchecked((((CompanyId * 397) ^ Bucket) * 31) ^ (Widget << 24));
}
