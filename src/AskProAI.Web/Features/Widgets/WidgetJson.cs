using System.Text.Json;
using AskProAI.Caching;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Widgets;

/// <summary>
/// The UTF-8 JSON of widget values. The cache serializes a value once, when it is computed, and keeps those bytes as
/// the value's one serialized form (its size, its L2 payload); a response is written from them, so a hit neither
/// serializes nor keeps a second copy. Only a value the cache holds no JSON for (the Disabled mode) is serialized here.
/// </summary>
internal sealed class WidgetJson(IOptions<JsonOptions> options)
{
    private static readonly JsonEncodedText CompanyIdProperty = JsonEncodedText.Encode("companyId");
    private static readonly JsonEncodedText WidgetsProperty = JsonEncodedText.Encode("widgets");
    private static readonly JsonEncodedText CacheProperty = JsonEncodedText.Encode("cache");
    private static readonly JsonEncodedText TierProperty = JsonEncodedText.Encode("tier");
    private static readonly JsonEncodedText ComputedAtProperty = JsonEncodedText.Encode("computedAt");
    private static readonly JsonEncodedText DataProperty = JsonEncodedText.Encode("data");

    private readonly JsonSerializerOptions _serializerOptions = options.Value.SerializerOptions;

    /// <summary>The JSON of a widget value: the cache's bytes, or serialized now when it holds none.</summary>
    public byte[] Of(in WidgetResult result) =>
        result.Utf8Json ?? JsonSerializer.SerializeToUtf8Bytes(result.Value, result.Value.GetType(), _serializerOptions);

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
            writer.WriteRawValue(Of(r), skipInputValidation: true);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
