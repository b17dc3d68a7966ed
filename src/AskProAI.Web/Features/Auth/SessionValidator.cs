using System.Security.Claims;
using AskProAI.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Auth;

/// <summary>
/// Identity's cookie security-stamp validator, made stricter: besides a deleted user or a changed security stamp, a
/// locked-out user is rejected too. Every <see cref="AuthConstants.SessionValidationInterval"/> it rebuilds the
/// principal from the store, so roles (SuperAdmin) and the company are re-read.
/// </summary>
internal sealed class SessionValidator(IOptions<SecurityStampValidatorOptions> options, SignInManager<AppUser> signInManager, ILoggerFactory logger)
    : SecurityStampValidator<AppUser>(options, signInManager, logger)
{
    /// <summary>The user behind a principal when the session is still valid, else null (gone, re-stamped or locked out).</summary>
    public static async Task<AppUser?> VerifyAsync(SignInManager<AppUser> signIn, ClaimsPrincipal? principal)
    {
        var user = await signIn.ValidateSecurityStampAsync(principal);
        return user is null || await signIn.UserManager.IsLockedOutAsync(user) ? null : user;
    }

    protected override Task<AppUser?> VerifySecurityStamp(ClaimsPrincipal? principal) => VerifyAsync(SignInManager, principal);
}
