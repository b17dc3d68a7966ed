using System.Globalization;
using System.Text.Json;

namespace AskProAI.Caching.Redis.Tests;

/// <summary>Realistic widget payloads: the JSON of a dashboard widget (calls, agents, hourly series), deterministic.</summary>
internal static class WidgetPayloads
{
    private static readonly string[] Statuses = ["completed", "missed", "voicemail", "transferred", "failed"];
    private static readonly string[] Agents = ["Anna Schmidt", "Ben Müller", "Clara Weber", "David Fischer", "Eva Wagner", "Felix Becker"];

    /// <summary>UTF-8 JSON of about <paramref name="targetBytes"/> bytes.</summary>
    public static byte[] DashboardJson(int targetBytes, int seed = 42)
    {
        var random = new Random(seed);
        var calls = new List<object>();
        var start = new DateTimeOffset(2025, 8, 6, 8, 0, 0, TimeSpan.Zero);
        byte[] bytes;
        do
        {
            for (var i = 0; i < 10; i++)
            {
                var at = start.AddSeconds(random.Next(0, 36_000));
                calls.Add(new
                {
                    id = 1_000_000 + calls.Count,
                    call_id = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..random.Next(20, 32)],
                    from_number = "+49" + random.NextInt64(1_500_000_000, 1_799_999_999).ToString(CultureInfo.InvariantCulture),
                    to_number = "+4930" + random.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture),
                    started_at = at,
                    duration_sec = random.Next(5, 1200),
                    status = Statuses[random.Next(Statuses.Length)],
                    agent = Agents[random.Next(Agents.Length)],
                    sentiment = Math.Round(random.NextDouble() * 2 - 1, 3),
                    cost_cents = random.Next(1, 500),
                    appointment_booked = random.Next(4) == 0,
                });
            }

            var document = new
            {
                widget = "dashboard_stats",
                company_id = 123,
                bucket = "2025-08-06-18",
                totals = new { calls = calls.Count, answered = calls.Count * 8 / 10, appointments = calls.Count / 4, revenue_cents = calls.Count * 1234 },
                hourly = Enumerable.Range(0, 24).Select(h => new { hour = h, calls = (h * 37) % 50, avg_duration_sec = 60 + (h * 13 % 240) }),
                recent_calls = calls,
            };
            bytes = JsonSerializer.SerializeToUtf8Bytes(document);
        }
        while (bytes.Length < targetBytes);

        return bytes;
    }

    /// <summary>Incompressible bytes.</summary>
    public static byte[] Random(int size, int seed = 7)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
