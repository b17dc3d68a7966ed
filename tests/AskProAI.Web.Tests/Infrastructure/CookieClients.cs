using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AskProAI.Web.Tests.Infrastructure;

/// <summary>Clients signed in through the login form (the auth cookie), as a browser is.</summary>
internal static partial class CookieClients
{
    /// <summary>A client that keeps cookies and does not follow redirects, signed in as the user.</summary>
    public static async Task<HttpClient> SignInAsync(WebAppFixture app, string email, string password = TestData.Password)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        using var login = await PostLoginFormAsync(client, email, password);
        Assert.Equal("/", login.Headers.Location?.OriginalString);
        return client;
    }

    /// <summary>Posts the login form as a browser does: reads the form's antiforgery field, then sends it with the credentials.</summary>
    public static async Task<HttpResponseMessage> PostLoginFormAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/login");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenField().Match(page).Groups[1].Value,
            ["email"] = email,
            ["password"] = password,
        });
        return await client.PostAsync("/login", form);
    }

    /// <summary>The signed-in client's antiforgery token (<c>GET /api/auth/antiforgery</c>).</summary>
    public static async Task<(string Token, string HeaderName, string FormFieldName)> AntiforgeryAsync(HttpClient client)
    {
        var body = await client.GetFromJsonAsync<JsonElement>("/api/auth/antiforgery");
        return (body.GetProperty("token").GetString()!, body.GetProperty("headerName").GetString()!, body.GetProperty("formFieldName").GetString()!);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
