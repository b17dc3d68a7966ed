namespace AskProAI.Data.Internal;

internal static partial class DemoDataBuilder
{
    // Placed calls that every dashboard widget needs, per company (fewer if the company has fewer calls).
    private const int LastQuarterHourCalls = 5;
    private const int TodayCalls = 20;
    private const int YesterdayCalls = 20;

    private const double InboundShare = 0.78;
    private const double BookingShare = 0.30;
    private static readonly long[] ServicePrices = [2_500, 3_900, 4_900, 6_500, 8_900, 12_000];

    private sealed record CompanyCalls(CallRow[] Calls, List<AppointmentRow> Appointments);

    /// <summary>The calls of company <paramref name="c"/>, and the appointments some of them booked.</summary>
    private static CompanyCalls GenerateCalls(DemoDataOptions options, DemoCalendar calendar, int c)
    {
        var random = new DemoRandom(options.Seed, CallStream, c);
        var calls = new CallRow[options.CallsPerCompany];
        var appointments = new List<AppointmentRow>(options.CallsPerCompany / 4);
        var now = calendar.Now;
        var maxEnd = now.AddSeconds(-1);

        var ongoing = options.OngoingCallsPerCompany;
        var left = options.CallsPerCompany - ongoing;
        var lastQuarter = Math.Min(LastQuarterHourCalls, left);
        left -= lastQuarter;
        var today = Math.Min(TodayCalls, left);
        left -= today;
        var yesterday = Math.Min(YesterdayCalls, left);

        // Today's placed calls avoid the last quarter hour unless the day is younger than that.
        var todayEnd = calendar.WindowEnd > calendar.TodayStart ? calendar.WindowEnd : now;

        for (var i = 0; i < calls.Length; i++)
        {
            ref var call = ref calls[i];
            call.CompanyId = c;
            call.LocalIndex = i;
            call.Direction = random.Chance(InboundShare) ? CallDirection.Inbound : CallDirection.Outbound;
            call.BranchId = ((c - 1) * options.BranchesPerCompany) + Skewed(random, options.BranchesPerCompany) + 1;
            call.Sentiment = double.NaN;

            if (i < ongoing)
            {
                call.Status = CallStatus.Ongoing;
                call.StartedTicks = now.AddSeconds(-random.Next(5, 300)).Ticks;
                call.CustomerId = random.Chance(0.8) ? Customer(random, options, c) : 0;
                continue;
            }

            DateTime start;
            CallStatus status;
            if (i < ongoing + lastQuarter)
            {
                start = DemoCalendar.Between(random, now.AddMinutes(-15), now.AddMinutes(-1));
                status = CallStatus.Completed;
            }
            else if (i < ongoing + lastQuarter + today)
            {
                start = DemoCalendar.Between(random, calendar.TodayStart, todayEnd);
                status = NaturalStatus(random);
            }
            else if (i < ongoing + lastQuarter + today + yesterday)
            {
                start = DemoCalendar.Between(random, calendar.YesterdayStart, calendar.TodayStart);
                status = NaturalStatus(random);
            }
            else
            {
                start = calendar.SampleStart(random);
                status = NaturalStatus(random);
            }

            Finish(ref call, random, options, c, start, status, maxEnd);
            if (call.AppointmentBooked)
            {
                appointments.Add(Book(random, options, calendar, in call));
            }
        }

        return new CompanyCalls(calls, appointments);
    }

    private static CallStatus NaturalStatus(DemoRandom random)
    {
        var u = random.NextDouble();
        return u < 0.82 ? CallStatus.Completed : u < 0.94 ? CallStatus.Missed : CallStatus.Failed;
    }

    /// <summary>Durations, cost, sentiment, customer and booking of an ended call; it ends by <paramref name="maxEnd"/>.</summary>
    private static void Finish(ref CallRow call, DemoRandom random, DemoDataOptions options, int c, DateTime start, CallStatus status, DateTime maxEnd)
    {
        if (start >= maxEnd)
        {
            start = maxEnd.AddSeconds(-1);
        }

        var room = Math.Max(1, (int)(maxEnd - start).TotalSeconds);
        call.StartedTicks = start.Ticks;
        call.Status = status;
        switch (status)
        {
            case CallStatus.Completed:
                var u = random.NextDouble();
                call.DurationSeconds = Math.Min(room, 20 + (int)(880 * u * u * u));
                call.EndedTicks = start.AddSeconds(call.DurationSeconds).Ticks;
                var perMinute = call.Direction == CallDirection.Inbound ? 9 : 12;
                call.CostCents = 5 + (((call.DurationSeconds + 59) / 60) * perMinute);
                // + 0.0 turns -0 into 0, which SQLite would otherwise store differently from PostgreSQL.
                call.Sentiment = Math.Round(Math.Clamp(0.35 + (0.35 * random.NextNormal()), -1.0, 1.0), 2) + 0.0;
                call.CustomerId = random.Chance(0.92) ? Customer(random, options, c) : 0;
                call.AppointmentBooked = call.Direction == CallDirection.Inbound && random.Chance(BookingShare);
                if (call.AppointmentBooked && call.CustomerId == 0)
                {
                    call.CustomerId = Customer(random, options, c);
                }

                break;
            case CallStatus.Missed:
                call.EndedTicks = start.AddSeconds(Math.Min(room, random.Next(10, 45))).Ticks;
                call.CustomerId = random.Chance(0.6) ? Customer(random, options, c) : 0;
                break;
            default:
                call.DurationSeconds = Math.Min(room - 1, random.Next(0, 15));
                call.EndedTicks = start.AddSeconds(call.DurationSeconds + 1).Ticks;
                call.CostCents = call.DurationSeconds > 0 ? 5 : 0;
                call.CustomerId = random.Chance(0.9) ? Customer(random, options, c) : 0;
                break;
        }
    }

    /// <summary>The appointment a call booked: at the call's branch, 1–14 days later in business hours.</summary>
    private static AppointmentRow Book(DemoRandom random, DemoDataOptions options, DemoCalendar calendar, in CallRow call)
    {
        var created = new DateTime(call.EndedTicks, DateTimeKind.Utc);
        var day = calendar.ToLocal(created).Date.AddDays(random.Next(1, 15));
        if (day.DayOfWeek == DayOfWeek.Sunday)
        {
            day = day.AddDays(1);
        }

        var startsAt = calendar.ToUtc(day.AddHours(random.Next(8, 18)).AddMinutes(random.Chance(0.5) ? 30 : 0));
        var u = random.NextDouble();
        var status = startsAt <= calendar.Now
            ? (u < 0.82 ? AppointmentStatus.Completed : u < 0.89 ? AppointmentStatus.NoShow : AppointmentStatus.Cancelled)
            : (u < 0.88 ? AppointmentStatus.Scheduled : AppointmentStatus.Cancelled);
        var branchIndex = call.BranchId - 1;
        return new AppointmentRow
        {
            CompanyId = call.CompanyId,
            CallLocalIndex = call.LocalIndex,
            BranchId = call.BranchId,
            StaffId = (branchIndex * options.StaffPerBranch) + random.Next(options.StaffPerBranch) + 1,
            CustomerId = call.CustomerId,
            StartsTicks = startsAt.Ticks,
            Status = status,
            PriceCents = random.Pick(ServicePrices),
            CreatedTicks = created.Ticks,
        };
    }

    /// <summary>A customer id of company <paramref name="c"/>; regulars call more often.</summary>
    private static int Customer(DemoRandom random, DemoDataOptions options, int c)
        => ((c - 1) * options.CustomersPerCompany) + Skewed(random, options.CustomersPerCompany) + 1;

    /// <summary>An index in [0, count), favouring the first ones.</summary>
    private static int Skewed(DemoRandom random, int count)
    {
        var u = random.NextDouble();
        return Math.Min(count - 1, (int)(count * u * Math.Sqrt(u)));
    }
}
