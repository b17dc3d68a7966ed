using System.Globalization;

namespace AskProAI.Caching;

/// <summary>
/// An invalidation tag. Every entry carries <c>widgets</c>, <c>company_data:{id}</c> and its tier's data tag
/// (the seed's three), and implicitly the narrower <c>company_data:{id}:{data_type}</c>, <c>widget:{name}</c>
/// and <c>widget:{name}:{id}</c>. Invalidating any tag is O(1): it moves one timestamp.
/// </summary>
public readonly record struct CacheTag
{
    private CacheTag(CacheTagKind kind, WidgetTier tier, int companyId, string? widget)
    {
        Kind = kind;
        Tier = tier;
        CompanyId = companyId;
        WidgetName = widget;
    }

    /// <summary>Gets what the tag selects.</summary>
    public CacheTagKind Kind { get; }

    /// <summary>Gets the data type, for <see cref="CacheTagKind.DataType"/> and <see cref="CacheTagKind.CompanyDataType"/>.</summary>
    public WidgetTier Tier { get; }

    /// <summary>Gets the company id, or 0 when the tag is not company-scoped.</summary>
    public int CompanyId { get; }

    /// <summary>Gets the widget name, for widget tags.</summary>
    public string? WidgetName { get; }

    /// <summary>Whether the tag is scoped to one company.</summary>
    public bool IsCompanyScoped => CompanyId > 0;

    /// <summary>The tag <c>widgets</c>: everything.</summary>
    public static CacheTag All => new(CacheTagKind.All, default, 0, null);

    /// <summary>The tag of a data type across companies (<c>live_data</c>).</summary>
    public static CacheTag DataType(WidgetTier tier) => new(CacheTagKind.DataType, tier, 0, null);

    /// <summary>The tag <c>company_data:{id}</c>.</summary>
    public static CacheTag Company(int companyId) => new(CacheTagKind.Company, default, CheckCompany(companyId), null);

    /// <summary>The tag <c>company_data:{id}:{data_type}</c>.</summary>
    public static CacheTag CompanyDataType(int companyId, WidgetTier tier) =>
        new(CacheTagKind.CompanyDataType, tier, CheckCompany(companyId), null);

    /// <summary>The tag <c>widget:{name}</c>.</summary>
    public static CacheTag Widget(string name)
    {
        Caching.WidgetName.ThrowIfInvalid(name);
        return new(CacheTagKind.Widget, default, 0, name);
    }

    /// <summary>The tag <c>widget:{name}:{id}</c>.</summary>
    public static CacheTag CompanyWidget(string name, int companyId)
    {
        Caching.WidgetName.ThrowIfInvalid(name);
        return new(CacheTagKind.CompanyWidget, default, CheckCompany(companyId), name);
    }

    /// <summary>Parses a tag string; the error says what is wrong.</summary>
    public static bool TryParse(string? text, out CacheTag tag, out string? error)
    {
        tag = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The tag is empty.";
            return false;
        }

        if (text == "widgets")
        {
            tag = All;
            return true;
        }

        if (WidgetTiers.TryParseDataTag(text, out var tier))
        {
            tag = DataType(tier);
            return true;
        }

        var parts = text.Split(':');
        if (parts[0] == "company_data" && parts.Length is 2 or 3)
        {
            if (!TryCompany(parts[1], out var id, out error))
            {
                return false;
            }

            if (parts.Length == 2)
            {
                tag = Company(id);
                return true;
            }

            if (!WidgetTiers.TryParseDataTag(parts[2], out tier))
            {
                error = $"'{parts[2]}' is not a data type: use live_data, statistics or heavy_data.";
                return false;
            }

            tag = CompanyDataType(id, tier);
            return true;
        }

        if (parts[0] == "widget" && parts.Length is 2 or 3)
        {
            if (!Caching.WidgetName.IsValid(parts[1]))
            {
                error = "The widget name must be 1 to 64 characters from a-z, 0-9 and '_'.";
                return false;
            }

            if (parts.Length == 2)
            {
                tag = Widget(parts[1]);
                return true;
            }

            if (!TryCompany(parts[2], out var id, out error))
            {
                return false;
            }

            tag = CompanyWidget(parts[1], id);
            return true;
        }

        error = "Unknown tag: use widgets, live_data, statistics, heavy_data, company_data:{id}, "
            + "company_data:{id}:{data_type}, widget:{name} or widget:{name}:{id}.";
        return false;
    }

    /// <summary>Parses a tag string.</summary>
    /// <exception cref="FormatException">The text is not a tag.</exception>
    public static CacheTag Parse(string text) =>
        TryParse(text, out var tag, out var error) ? tag : throw new FormatException(error);

    /// <summary>Whether this tag selects entries of the given widget, tier and company.</summary>
    public bool Matches(string widget, WidgetTier tier, int companyId) => Kind switch
    {
        CacheTagKind.All => true,
        CacheTagKind.DataType => Tier == tier,
        CacheTagKind.Company => CompanyId == companyId,
        CacheTagKind.CompanyDataType => CompanyId == companyId && Tier == tier,
        CacheTagKind.Widget => WidgetName == widget,
        CacheTagKind.CompanyWidget => WidgetName == widget && CompanyId == companyId,
        _ => false,
    };

    /// <summary>Returns the canonical text of the tag.</summary>
    public override string ToString() => Kind switch
    {
        CacheTagKind.All => "widgets",
        CacheTagKind.DataType => Tier.DataTag(),
        CacheTagKind.Company => string.Create(CultureInfo.InvariantCulture, $"company_data:{CompanyId}"),
        CacheTagKind.CompanyDataType => string.Create(CultureInfo.InvariantCulture, $"company_data:{CompanyId}:{Tier.DataTag()}"),
        CacheTagKind.Widget => $"widget:{WidgetName}",
        CacheTagKind.CompanyWidget => string.Create(CultureInfo.InvariantCulture, $"widget:{WidgetName}:{CompanyId}"),
        _ => "?",
    };

    /// <summary>The tags every entry of a widget carries, widest first.</summary>
    public static CacheTag[] TagsOf(string widget, WidgetTier tier, int companyId) =>
    [
        All, Company(companyId), DataType(tier), CompanyDataType(companyId, tier), Widget(widget), CompanyWidget(widget, companyId),
    ];

    private static int CheckCompany(int companyId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(companyId);
        return companyId;
    }

    private static bool TryCompany(string text, out int id, out string? error)
    {
        error = null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) || id <= 0)
        {
            error = $"'{(text.Length > 16 ? text[..16] + "…" : text)}' is not a company id: use a positive integer.";
            return false;
        }

        return true;
    }
}
