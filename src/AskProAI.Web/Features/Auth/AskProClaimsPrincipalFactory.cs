using System.Globalization;
using System.Security.Claims;
using AskProAI.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Auth;

/// <summary>Adds the user's company id to the Identity principal (cookie and bearer token alike).</summary>
internal sealed class AskProClaimsPrincipalFactory(
    UserManager<AppUser> userManager,
    RoleManager<IdentityRole<int>> roleManager,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole<int>>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(AuthConstants.CompanyIdClaim, user.CompanyId.ToString(CultureInfo.InvariantCulture)));
        return identity;
    }
}
