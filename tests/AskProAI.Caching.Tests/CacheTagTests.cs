namespace AskProAI.Caching.Tests;

public class CacheTagTests
{
    [Theory]
    [InlineData("widgets", CacheTagKind.All)]
    [InlineData("live_data", CacheTagKind.DataType)]
    [InlineData("statistics", CacheTagKind.DataType)]
    [InlineData("heavy_data", CacheTagKind.DataType)]
    [InlineData("company_data:123", CacheTagKind.Company)]
    [InlineData("company_data:123:live_data", CacheTagKind.CompanyDataType)]
    [InlineData("widget:recent_calls", CacheTagKind.Widget)]
    [InlineData("widget:recent_calls:9", CacheTagKind.CompanyWidget)]
    public void Parse_ValidTag_RoundTrips(string text, CacheTagKind kind)
    {
        var tag = CacheTag.Parse(text);
        Assert.Equal(kind, tag.Kind);
        Assert.Equal(text, tag.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("company_data")]
    [InlineData("company_data:")]
    [InlineData("company_data:0")]
    [InlineData("company_data:-1")]
    [InlineData("company_data:abc")]
    [InlineData("company_data:1:bogus")]
    [InlineData("company_data:99999999999")]
    [InlineData("widget:Bad")]
    [InlineData("widget:a:b:c")]
    [InlineData("something")]
    public void TryParse_InvalidTag_ReturnsMessage(string text)
    {
        Assert.False(CacheTag.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void TagsOf_Entry_CarriesTheSeedsThreeTags()
    {
        var tags = CacheTag.TagsOf("dashboard_stats", WidgetTier.Heavy, 123).Select(t => t.ToString()).ToArray();
        Assert.Contains("widgets", tags);
        Assert.Contains("company_data:123", tags);
        Assert.Contains("heavy_data", tags);
    }

    [Fact]
    public void Matches_CompanyTag_OnlyThatCompany()
    {
        var tag = CacheTag.Company(5);
        Assert.True(tag.Matches("live_calls", WidgetTier.Live, 5));
        Assert.False(tag.Matches("live_calls", WidgetTier.Live, 6));
    }
}
