using AskProAI.Caching.Internal;

namespace AskProAI.Caching.Tests.Internal;

public class JsonWidgetCacheSerializerTests
{
    private readonly JsonWidgetCacheSerializer _serializer = new();

    [Fact]
    public void ValueTuple_RoundTrips()
    {
        var value = (Calls: 42, Revenue: 1234.5m, Label: "today");
        Assert.Equal(value, RoundTrip(value));
    }

    [Fact]
    public void RecordWithFields_RoundTrips()
    {
        var value = new WithFields { Calls = 7, Names = ["a", "b"] };
        var back = RoundTrip(value);
        Assert.Equal(7, back.Calls);
        Assert.Equal(["a", "b"], back.Names);
    }

    [Fact]
    public void DictionaryShapedValues_RoundTrip()
    {
        var byStatus = new Dictionary<string, int> { ["completed"] = 3, ["missed"] = 1 };
        var byHour = new Dictionary<int, (int Calls, decimal Minutes)> { [9] = (4, 12.5m), [10] = (1, 2m) };
        Assert.Equal(byStatus, RoundTrip(byStatus));
        Assert.Equal(byHour, RoundTrip(byHour));
        IReadOnlyDictionary<string, long> readOnly = new Dictionary<string, long> { ["x"] = 5 };
        Assert.Equal(readOnly, RoundTrip(readOnly));
    }

    [Fact]
    public void TypeThatLosesData_IsRefusedWithItsName()
    {
        var ex = Assert.Throws<NotSupportedException>(() => _serializer.Serialize(PrivateSetter.Of(5)));
        Assert.Contains(typeof(PrivateSetter).FullName!, ex.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => _serializer.Serialize(PrivateSetter.Of(6))); // refused every time, not once
        var unreadable = Assert.Throws<NotSupportedException>(() => _serializer.Serialize(new GetOnly(5)));
        Assert.Contains(typeof(GetOnly).FullName!, unreadable.Message, StringComparison.Ordinal);
    }

    private T RoundTrip<T>(T value) => _serializer.Deserialize<T>(_serializer.Serialize(value));

    public sealed record WithFields
    {
        public int Calls;
        public string[] Names = [];
    }

    /// <summary>Written with its total, read back without it: the kind of type that came back as zeros.</summary>
    public sealed class PrivateSetter
    {
        public int Total { get; private set; }

        public static PrivateSetter Of(int total) => new() { Total = total };
    }

    public sealed class GetOnly
    {
        public GetOnly(int count) => Total = count;

        public int Total { get; }
    }
}
