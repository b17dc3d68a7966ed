using System.Runtime.CompilerServices;
using System.Text.Json;
using AskProAI.Caching;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Widgets;

/// <summary>
/// The UTF-8 JSON of widget values, serialized once per value. A cached value is the same immutable instance on
/// every hit, so its JSON is kept beside it (weakly: it goes when the cache drops the value) and a cache hit
/// writes bytes instead of serializing a 30-day trend and a list of calls again.
/// </summary>
internal sealed class WidgetJson
{
    private static readonly JsonEncodedText CompanyIdProperty = JsonEncodedText.Encode("companyId");
    private static readonly JsonEncodedText WidgetsProperty = JsonEncodedText.Encode("widgets");
    private static readonly JsonEncodedText CacheProperty = JsonEncodedText.Encode("cache");
    private static readonly JsonEncodedText TierProperty = JsonEncodedText.Encode("tier");
    private static readonly JsonEncodedText ComputedAtProperty = JsonEncodedText.Encode("computedAt");
    private static readonly JsonEncodedText DataProperty = JsonEncodedText.Encode("data");

    private readonly ConditionalWeakTable<object, byte[]> _json = [];
    private readonly ConditionalWeakTable<object, byte[]>.CreateValueCallback _serialize;

    public WidgetJson(IOptions<JsonOptions> options)
    {
        var serializerOptions = options.Value.SerializerOptions;
        _serialize = value => JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), serializerOptions);
    }

    /// <summary>The JSON of a widget value (an immutable record).</summary>
    public byte[] Of(object value) => _json.GetValue(value, _serialize);

    /// <summary>
    /// Writes a dashboard: <c>{"companyId":1,"widgets":{"name":{"cache":"HIT","tier":"live","computedAt":"…","data":{…}},…}}</c>.
    /// </summary>
    public void WriteDashboard(Utf8JsonWriter writer, int companyId, IReadOnlyList<WidgetResult> results)
    {
        writer.WriteStartObject();
        writer.WriteNumber(CompanyIdProperty, companyId);
        writer.WriteStartObject(WidgetsProperty);
        foreach (var r in results)
        {
            writer.WriteStartObject(r.Definition.Name);
            writer.WriteString(CacheProperty, r.Outcome.ToHeader());
            writer.WriteString(TierProperty, r.Definition.Tier.Name());
            writer.WriteString(ComputedAtProperty, r.ComputedAt);
            writer.WritePropertyName(DataProperty);
            writer.WriteRawValue(Of(r.Value), skipInputValidation: true);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
