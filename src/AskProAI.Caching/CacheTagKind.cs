namespace AskProAI.Caching;

/// <summary>What a <see cref="CacheTag"/> selects.</summary>
public enum CacheTagKind
{
    /// <summary><c>widgets</c>: every entry of every company.</summary>
    All = 0,

    /// <summary><c>live_data</c>, <c>statistics</c>, <c>heavy_data</c>: one data type across companies.</summary>
    DataType = 1,

    /// <summary><c>company_data:{id}</c>: every entry of one company.</summary>
    Company = 2,

    /// <summary><c>company_data:{id}:{data_type}</c>: one data type of one company.</summary>
    CompanyDataType = 3,

    /// <summary><c>widget:{name}</c>: one widget across companies.</summary>
    Widget = 4,

    /// <summary><c>widget:{name}:{id}</c>: one widget of one company.</summary>
    CompanyWidget = 5,
}
