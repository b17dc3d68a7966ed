using System.Globalization;

namespace AskProAI.Data.Internal;

/// <summary>
/// Builds the demo rows in memory, deterministically: every company draws from its own random streams of the seed,
/// and rows are ordered by stable keys before ids are assigned, so the same seed and "now" give identical rows.
/// </summary>
internal static partial class DemoDataBuilder
{
    private const string TimeZoneId = "Europe/Berlin";

    // Random stream numbers, one per concern, so changing one concern does not shift the others.
    private const int PeopleStream = 1;
    private const int CallStream = 2;

    public static DemoDataSet Build(DemoDataOptions options, DateTime utcNow)
    {
        var now = DemoCalendar.Seconds(utcNow.Ticks);
        var calendar = new DemoCalendar(now, options.Days, DemoCalendar.FindTimeZone(TimeZoneId));
        var n = options.Companies;

        var companies = new CompanyRow[n];
        var branches = new BranchRow[n * options.BranchesPerCompany];
        var staff = new StaffRow[branches.Length * options.StaffPerBranch];
        var customers = new CustomerRow[n * options.CustomersPerCompany];
        for (var c = 1; c <= n; c++)
        {
            var created = DemoCalendar.Seconds(calendar.WindowStart.AddDays(-30 - (c % 30)).AddHours(c).Ticks);
            companies[c - 1] = new CompanyRow(c, "Company " + c.ToString(CultureInfo.InvariantCulture), TimeZoneId, created);
            FillPeople(options, c, branches, staff, customers);
        }

        var perCompany = new CompanyCalls[n];
        Parallel.For(0, n, i => perCompany[i] = GenerateCalls(options, calendar, i + 1));

        var calls = new CallRow[(long)n * options.CallsPerCompany];
        var appointmentCount = perCompany.Sum(p => p.Appointments.Count);
        var appointments = new AppointmentRow[appointmentCount];
        var offset = 0;
        var appointmentOffset = 0;
        foreach (var company in perCompany)
        {
            company.Calls.CopyTo(calls, offset);
            offset += company.Calls.Length;
            company.Appointments.CopyTo(appointments, appointmentOffset);
            appointmentOffset += company.Appointments.Count;
        }

        // Ids grow with time across companies, as in a live system.
        Array.Sort(calls, CompareCalls);
        var callIds = new long[n][];
        for (var i = 0; i < n; i++)
        {
            callIds[i] = new long[options.CallsPerCompany];
        }

        for (var i = 0; i < calls.Length; i++)
        {
            calls[i].Id = i + 1;
            callIds[calls[i].CompanyId - 1][calls[i].LocalIndex] = i + 1;
        }

        for (var i = 0; i < appointments.Length; i++)
        {
            appointments[i].CallId = callIds[appointments[i].CompanyId - 1][appointments[i].CallLocalIndex];
        }

        Array.Sort(appointments, CompareAppointments);
        for (var i = 0; i < appointments.Length; i++)
        {
            appointments[i].Id = i + 1;
        }

        return new DemoDataSet
        {
            Companies = companies,
            Branches = branches,
            Staff = staff,
            Customers = customers,
            Calls = calls,
            Appointments = appointments,
        };
    }

    private static int CompareCalls(CallRow a, CallRow b)
    {
        var byTime = a.StartedTicks.CompareTo(b.StartedTicks);
        if (byTime != 0)
        {
            return byTime;
        }

        var byCompany = a.CompanyId.CompareTo(b.CompanyId);
        return byCompany != 0 ? byCompany : a.LocalIndex.CompareTo(b.LocalIndex);
    }

    private static int CompareAppointments(AppointmentRow a, AppointmentRow b)
    {
        var byTime = a.CreatedTicks.CompareTo(b.CreatedTicks);
        if (byTime != 0)
        {
            return byTime;
        }

        var byCompany = a.CompanyId.CompareTo(b.CompanyId);
        return byCompany != 0 ? byCompany : a.CallLocalIndex.CompareTo(b.CallLocalIndex);
    }

    /// <summary>Branches, staff and customers of company <paramref name="c"/>, with ids in blocks per company.</summary>
    private static void FillPeople(DemoDataOptions options, int c, BranchRow[] branches, StaffRow[] staff, CustomerRow[] customers)
    {
        var random = new DemoRandom(options.Seed, PeopleStream, c);
        var b0 = (c - 1) * options.BranchesPerCompany;
        for (var b = 0; b < options.BranchesPerCompany; b++)
        {
            var city = Cities[((c * 3) + b) % Cities.Length];
            var name = b < Districts.Length
                ? city + " " + Districts[b]
                : city + " " + (b + 1).ToString(CultureInfo.InvariantCulture);
            var branchId = b0 + b + 1;
            branches[b0 + b] = new BranchRow(branchId, c, name, city);
            for (var s = 0; s < options.StaffPerBranch; s++)
            {
                var index = ((b0 + b) * options.StaffPerBranch) + s;
                staff[index] = new StaffRow(index + 1, c, branchId, PersonName(random));
            }
        }

        var k0 = (c - 1) * options.CustomersPerCompany;
        for (var k = 0; k < options.CustomersPerCompany; k++)
        {
            var phone = string.Create(
                CultureInfo.InvariantCulture,
                $"+49 {random.Pick(AreaCodes)} {random.Next(1_000_000, 10_000_000)}");
            customers[k0 + k] = new CustomerRow(k0 + k + 1, c, PersonName(random), phone);
        }
    }

    private static string PersonName(DemoRandom random) => random.Pick(FirstNames) + " " + random.Pick(LastNames);

    private static readonly string[] Cities =
    [
        "Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Düsseldorf", "Leipzig",
        "Dortmund", "Essen", "Bremen", "Dresden", "Hannover", "Nürnberg", "Bonn", "Münster",
    ];

    private static readonly string[] Districts = ["Zentrum", "Nord", "Süd", "West", "Ost", "Mitte", "Altstadt", "Hafen"];

    private static readonly string[] AreaCodes = ["30", "40", "89", "221", "69", "711", "211", "341", "231", "201"];

    private static readonly string[] FirstNames =
    [
        "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannah", "Jonas", "Katharina", "Leon", "Lena",
        "Lukas", "Marie", "Max", "Mia", "Noah", "Paul", "Sophie", "Tim", "Laura", "Elias", "Julia", "Finn",
    ];

    private static readonly string[] LastNames =
    [
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
        "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Braun", "Zimmermann", "Hofmann",
    ];
}
