using System.Text.Json;
using System.Text.Json.Serialization;

namespace AskProAI.Cli.Api;

/// <summary>Source-generated JSON for the admin API: web defaults (camelCase), nulls left out of requests.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ClearRequest))]
[JsonSerializable(typeof(WarmRequest))]
[JsonSerializable(typeof(InvalidateRequest))]
[JsonSerializable(typeof(ModeRequest))]
[JsonSerializable(typeof(CacheActionResponse))]
[JsonSerializable(typeof(WarmStartedResponse))]
[JsonSerializable(typeof(JobStatusResponse))]
[JsonSerializable(typeof(ModeResponse))]
[JsonSerializable(typeof(StatsResponse))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
