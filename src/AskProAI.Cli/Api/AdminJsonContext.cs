using System.Text.Json;
using System.Text.Json.Serialization;
using AskProAI.Contracts;

namespace AskProAI.Cli.Api;

/// <summary>
/// Source-generated JSON for the admin API's contracts (<c>AskProAI.Contracts</c>, shared with the service): web defaults
/// (camelCase), nulls left out of requests.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ClearRequest))]
[JsonSerializable(typeof(WarmRequest))]
[JsonSerializable(typeof(InvalidateRequest))]
[JsonSerializable(typeof(ModeRequest))]
[JsonSerializable(typeof(InvalidationResponse))]
[JsonSerializable(typeof(JobAccepted))]
[JsonSerializable(typeof(JobStatus))]
[JsonSerializable(typeof(ModeResponse))]
[JsonSerializable(typeof(StatsResponse))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
