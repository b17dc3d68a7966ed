using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Auth;

/// <summary>
/// Authenticates with Identity's bearer token handler, then re-checks the token's user through
/// <see cref="BearerSessionCache"/>: the principal the endpoints see is the user's current one (roles re-read), and a
/// token of a deleted, locked-out or re-stamped user fails. Challenge and forbid are Identity's bearer handler's.
/// </summary>
internal sealed class RevocableBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, BearerSessionCache sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = await Context.AuthenticateAsync(IdentityConstants.BearerScheme);
        if (!token.Succeeded)
        {
            return token.Failure is { } failure ? AuthenticateResult.Fail(failure) : AuthenticateResult.NoResult();
        }

        var current = await sessions.RevalidateAsync(token.Principal, Context.RequestServices);
        if (current is null)
        {
            Log.SessionRevoked(Logger, "bearer");
            return AuthenticateResult.Fail("The session was revoked.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(current, token.Properties, Scheme.Name));
    }
}
