using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AskProAI.Contracts;

namespace AskProAI.Cli.Api;

/// <summary>
/// The admin API over one plain <see cref="HttpClient"/>. Every failure becomes a <see cref="CliException"/> whose exit
/// code classifies it (see <c>AdminApiClient.Errors.cs</c>); the token never appears in a message.
/// </summary>
internal sealed partial class AdminApiClient : IDisposable
{
    private const string Root = "api/admin/cache/";

    private static readonly ProductInfoHeaderValue UserAgent =
        new("askpro", typeof(AdminApiClient).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

    private readonly HttpClient _http;
    private readonly ServiceConnection _connection;

    public AdminApiClient(ServiceConnection connection, HttpMessageHandler handler)
    {
        _connection = connection;
        _http = new HttpClient(handler, disposeHandler: true) { BaseAddress = connection.BaseAddress, Timeout = connection.Timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.UserAgent.Add(UserAgent);
    }

    /// <summary>Gets the connection this client talks to.</summary>
    public ServiceConnection Connection => _connection;

    /// <summary><c>GET stats</c> as the service wrote it.</summary>
    public Task<string> GetStatsJsonAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "stats", content: null, cancellationToken);

    /// <summary><c>GET stats</c>.</summary>
    public async Task<StatsResponse> GetStatsAsync(CancellationToken cancellationToken) =>
        Read(await GetStatsJsonAsync(cancellationToken), AdminJsonContext.Default.StatsResponse);

    /// <summary><c>POST clear</c>.</summary>
    public Task<InvalidationResponse> ClearAsync(ClearRequest request, CancellationToken cancellationToken) =>
        PostAsync("clear", request, AdminJsonContext.Default.ClearRequest, AdminJsonContext.Default.InvalidationResponse, cancellationToken);

    /// <summary><c>POST invalidate</c>.</summary>
    public Task<InvalidationResponse> InvalidateAsync(InvalidateRequest request, CancellationToken cancellationToken) =>
        PostAsync("invalidate", request, AdminJsonContext.Default.InvalidateRequest, AdminJsonContext.Default.InvalidationResponse, cancellationToken);

    /// <summary><c>POST warm</c>.</summary>
    public Task<JobAccepted> WarmAsync(WarmRequest request, CancellationToken cancellationToken) =>
        PostAsync("warm", request, AdminJsonContext.Default.WarmRequest, AdminJsonContext.Default.JobAccepted, cancellationToken);

    /// <summary><c>POST mode</c>.</summary>
    public Task<ModeResponse> SetModeAsync(ModeRequest request, CancellationToken cancellationToken) =>
        PostAsync("mode", request, AdminJsonContext.Default.ModeRequest, AdminJsonContext.Default.ModeResponse, cancellationToken);

    /// <summary><c>GET jobs/{jobId}</c>.</summary>
    public async Task<JobStatus> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        Read(
            await SendAsync(HttpMethod.Get, "jobs/" + Uri.EscapeDataString(jobId), content: null, cancellationToken),
            AdminJsonContext.Default.JobStatus);

    public void Dispose() => _http.Dispose();

    private async Task<TResponse> PostAsync<TRequest, TResponse>(
        string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body, requestType), Encoding.UTF8, "application/json");
        return Read(await SendAsync(HttpMethod.Post, path, content, cancellationToken), responseType);
    }

    private async Task<string> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Root + path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(Describe(e));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(string.Create(CultureInfo.InvariantCulture, $"no answer within {_connection.Timeout.TotalSeconds:0.###} s (--timeout)"));
        }

        using (response)
        {
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw Unreachable(Describe(e));
            }

            if (!response.IsSuccessStatusCode)
            {
                throw Failure(response, body, method.Method + " /" + Root + path);
            }

            return body;
        }
    }

    private static T Read<T>(string body, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type)
                ?? throw new CliException(ExitCodes.ServerError, "The service answered an empty body where JSON was expected.");
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.ServerError, $"The service answered something that is not the admin API's JSON ({e.Message}).");
        }
    }
}
