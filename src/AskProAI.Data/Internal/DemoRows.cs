namespace AskProAI.Data.Internal;

internal readonly record struct CompanyRow(int Id, string Name, string TimeZone, DateTime CreatedAt);

internal readonly record struct BranchRow(int Id, int CompanyId, string Name, string City);

internal readonly record struct StaffRow(int Id, int CompanyId, int BranchId, string Name);

internal readonly record struct CustomerRow(int Id, int CompanyId, string Name, string Phone);

/// <summary>A generated call; compact because a million of them are held before writing.</summary>
internal struct CallRow
{
    public long Id;
    public int CompanyId;
    public int LocalIndex;
    public int BranchId;
    public int CustomerId; // 0 = unknown caller
    public CallDirection Direction;
    public CallStatus Status;
    public long StartedTicks;
    public long EndedTicks; // 0 = still ongoing
    public int DurationSeconds;
    public int CostCents;
    public double Sentiment; // NaN = not analysed
    public bool AppointmentBooked;
}

internal struct AppointmentRow
{
    public long Id;
    public int CompanyId;
    public int CallLocalIndex;
    public long CallId;
    public int BranchId;
    public int StaffId;
    public int CustomerId;
    public long StartsTicks;
    public AppointmentStatus Status;
    public long PriceCents;
    public long CreatedTicks;
}

/// <summary>All generated rows, in insert order, with ids assigned.</summary>
internal sealed class DemoDataSet
{
    public required CompanyRow[] Companies { get; init; }

    public required BranchRow[] Branches { get; init; }

    public required StaffRow[] Staff { get; init; }

    public required CustomerRow[] Customers { get; init; }

    public required CallRow[] Calls { get; init; }

    public required AppointmentRow[] Appointments { get; init; }

    /// <summary>Gets the tables in foreign-key order, each with the entity properties written and a row filler.</summary>
    public IReadOnlyList<DemoTable> Tables =>
    [
        new(typeof(Company), ["Id", "Name", "TimeZone", "CreatedAt"], Companies.Length, (i, v) =>
        {
            var r = Companies[i];
            v[0] = r.Id; v[1] = r.Name; v[2] = r.TimeZone; v[3] = r.CreatedAt;
        }),
        new(typeof(Branch), ["Id", "CompanyId", "Name", "City"], Branches.Length, (i, v) =>
        {
            var r = Branches[i];
            v[0] = r.Id; v[1] = r.CompanyId; v[2] = r.Name; v[3] = r.City;
        }),
        new(typeof(StaffMember), ["Id", "CompanyId", "BranchId", "Name"], Staff.Length, (i, v) =>
        {
            var r = Staff[i];
            v[0] = r.Id; v[1] = r.CompanyId; v[2] = r.BranchId; v[3] = r.Name;
        }),
        new(typeof(Customer), ["Id", "CompanyId", "Name", "Phone"], Customers.Length, (i, v) =>
        {
            var r = Customers[i];
            v[0] = r.Id; v[1] = r.CompanyId; v[2] = r.Name; v[3] = r.Phone;
        }),
        new(
            typeof(Call),
            ["Id", "CompanyId", "BranchId", "CustomerId", "Direction", "Status", "StartedAt", "EndedAt", "DurationSeconds",
                "CostCents", "Sentiment", "AppointmentBooked", "ExternalId"],
            Calls.Length,
            (i, v) =>
            {
                ref readonly var r = ref Calls[i];
                v[0] = r.Id; v[1] = r.CompanyId; v[2] = r.BranchId; v[3] = r.CustomerId == 0 ? null : r.CustomerId;
                v[4] = (int)r.Direction; v[5] = (int)r.Status; v[6] = new DateTime(r.StartedTicks, DateTimeKind.Utc);
                v[7] = r.EndedTicks == 0 ? null : new DateTime(r.EndedTicks, DateTimeKind.Utc);
                v[8] = r.DurationSeconds; v[9] = r.CostCents; v[10] = double.IsNaN(r.Sentiment) ? null : r.Sentiment;
                v[11] = r.AppointmentBooked; v[12] = ExternalId(r.Id);
            }),
        new(
            typeof(Appointment),
            ["Id", "CompanyId", "BranchId", "StaffId", "CustomerId", "CallId", "StartsAt", "Status", "PriceCents", "CreatedAt"],
            Appointments.Length,
            (i, v) =>
            {
                ref readonly var r = ref Appointments[i];
                v[0] = r.Id; v[1] = r.CompanyId; v[2] = r.BranchId; v[3] = r.StaffId; v[4] = r.CustomerId;
                v[5] = r.CallId == 0 ? null : r.CallId; v[6] = new DateTime(r.StartsTicks, DateTimeKind.Utc); v[7] = (int)r.Status;
                v[8] = r.PriceCents; v[9] = new DateTime(r.CreatedTicks, DateTimeKind.Utc);
            }),
    ];

    /// <summary>The telephony id of a demo call, unique per company as the index wants.</summary>
    public static string ExternalId(long callId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"demo-{callId}");
}

/// <summary>One table to bulk-insert: the entity, the properties in column order, and how to fill a row's values.</summary>
internal sealed record DemoTable(Type EntityType, string[] Properties, int RowCount, Action<int, object?[]> FillRow);
