using System.Globalization;

namespace AskProAI.Web.Features.Tenancy;

/// <summary>Parsing of the company id in a URL: ASCII digits only, a positive <see cref="int"/>.</summary>
internal static class CompanyIds
{
    /// <summary>Parses a route value; false for signs, spaces, decimals, zero, overflow and anything else.</summary>
    public static bool TryParse(string? raw, out int companyId)
    {
        companyId = 0;
        if (string.IsNullOrEmpty(raw) || raw.Length > 10 || raw.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out companyId) && companyId > 0;
    }
}
