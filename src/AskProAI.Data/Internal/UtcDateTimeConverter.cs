using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AskProAI.Data.Internal;

/// <summary>Stores <see cref="DateTime"/> as is and reads it back with <see cref="DateTimeKind.Utc"/>.</summary>
internal sealed class UtcDateTimeConverter : ValueConverter<DateTime, DateTime>
{
    public UtcDateTimeConverter()
        : base(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc))
    {
    }
}
