using AskProAI.Caching;

namespace AskProAI.Web.Features.Invalidation;

/// <summary>
/// Narrows a tag to one company, so that an invalidation on behalf of a company can never reach another:
/// <c>widgets</c> becomes <c>company_data:{c}</c>, a data type <c>company_data:{c}:{type}</c>, <c>widget:{w}</c>
/// becomes <c>widget:{w}:{c}</c>; tags naming the same company stay, tags naming another company are refused.
/// </summary>
internal static class CompanyTags
{
    /// <summary>Narrows a tag to the company; false with a message when it names another company.</summary>
    public static bool TryNarrow(CacheTag tag, int companyId, out CacheTag narrowed, out string? error)
    {
        error = null;
        narrowed = tag.Kind switch
        {
            CacheTagKind.All => CacheTag.Company(companyId),
            CacheTagKind.DataType => CacheTag.CompanyDataType(companyId, tag.Tier),
            CacheTagKind.Widget => CacheTag.CompanyWidget(tag.WidgetName!, companyId),
            _ => tag,
        };

        if (narrowed.CompanyId != companyId)
        {
            error = $"The tag '{tag}' belongs to another company than {companyId}.";
            narrowed = default;
            return false;
        }

        return true;
    }

    /// <summary>Parses and narrows tag strings; false with the first message when any is invalid.</summary>
    public static bool TryParseAll(IReadOnlyList<string?> texts, int companyId, out CacheTag[] tags, out string? error)
    {
        tags = new CacheTag[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            if (!CacheTag.TryParse(texts[i], out var tag, out error))
            {
                error = $"tags[{i}]: {error}";
                return false;
            }

            if (!TryNarrow(tag, companyId, out tags[i], out error))
            {
                error = $"tags[{i}]: {error}";
                return false;
            }
        }

        error = null;
        return true;
    }
}
