using AskProAI.Data;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.LoadTest;

/// <summary>
/// After a phase: looks up every webhook the simulator sent in the service's database. An acknowledged event counts as
/// found when both rows its transaction wrote are there (the <see cref="WebhookEvent"/> with its event id and the
/// <see cref="Call"/> with its external call id); an acknowledged event that is not found is lost.
/// </summary>
internal static class DatabaseCheck
{
    private const int Chunk = 500;

    public static async Task<DatabaseVerification> VerifyAsync(DatabaseTarget target, IReadOnlyList<SentEvent> sent, CancellationToken ct)
    {
        try
        {
            await using var db = Open(target);
            var storedEvents = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in sent.Select(e => e.EventId).Chunk(Chunk))
            {
                storedEvents.UnionWith(await db.WebhookEvents.AsNoTracking().Where(w => chunk.Contains(w.EventId)).Select(w => w.EventId).ToListAsync(ct));
            }

            // By company, so the lookup uses the unique (CompanyId, ExternalId) index.
            var storedCalls = new HashSet<(int, string)>();
            foreach (var company in sent.GroupBy(e => e.Company))
            {
                foreach (var chunk in company.Select(e => e.ExternalCallId).Chunk(Chunk))
                {
                    var found = await db.Calls.AsNoTracking()
                        .Where(c => c.CompanyId == company.Key && chunk.Contains(c.ExternalId!))
                        .Select(c => c.ExternalId!)
                        .ToListAsync(ct);
                    storedCalls.UnionWith(found.Select(id => (company.Key, id)));
                }
            }

            bool Stored(SentEvent e) => storedEvents.Contains(e.EventId) && storedCalls.Contains((e.Company, e.ExternalCallId));
            var acknowledged = sent.Where(e => e.Acknowledged).ToList();
            var lost = acknowledged.Where(e => !Stored(e)).Select(e => e.EventId).ToList();
            var unacknowledged = sent.Where(e => !e.Acknowledged).ToList();
            return new DatabaseVerification(
                target.ToString(),
                sent.Count,
                acknowledged.Count,
                acknowledged.Count - lost.Count,
                lost.Count,
                [.. lost.Take(20)],
                unacknowledged.Count,
                unacknowledged.Count(Stored),
                acknowledged.Count(e => storedEvents.Contains(e.EventId) != storedCalls.Contains((e.Company, e.ExternalCallId))),
                null);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or ArgumentException or TimeoutException)
        {
            return new DatabaseVerification(target.ToString(), sent.Count, sent.Count(e => e.Acknowledged), 0, 0, [], 0, 0, 0, ex.GetType().Name + ": " + ex.GetBaseException().Message);
        }
    }

    private static AskProDbContext Open(DatabaseTarget target) => target.Provider switch
    {
        DatabaseTarget.PostgreSql => new PostgreSqlAskProDbContext(new DbContextOptionsBuilder<PostgreSqlAskProDbContext>().UseNpgsql(target.ConnectionString).Options),
        _ => new SqliteAskProDbContext(new DbContextOptionsBuilder<SqliteAskProDbContext>().UseSqlite(target.ConnectionString).Options),
    };
}

/// <summary>What the database check found.</summary>
/// <param name="Database">The provider and connection string (without a password).</param>
/// <param name="Sent">Webhooks sent.</param>
/// <param name="Acknowledged">Webhooks answered with a 2xx.</param>
/// <param name="FoundInDatabase">Acknowledged webhooks whose event row and call row are both stored.</param>
/// <param name="Lost">Acknowledged webhooks not found.</param>
/// <param name="LostSample">Up to 20 lost event ids.</param>
/// <param name="Unacknowledged">Webhooks sent without a 2xx answer (an error or a timeout).</param>
/// <param name="UnacknowledgedStored">Of those, the ones stored anyway (the change was made but the answer did not say so).</param>
/// <param name="Partial">Acknowledged webhooks with only one of their two rows stored (should be impossible: one transaction).</param>
/// <param name="Error">Why the check could not run; null when it ran.</param>
internal sealed record DatabaseVerification(
    string Database,
    int Sent,
    int Acknowledged,
    int FoundInDatabase,
    int Lost,
    IReadOnlyList<string> LostSample,
    int Unacknowledged,
    int UnacknowledgedStored,
    int Partial,
    string? Error)
{
    /// <summary>Gets whether the check ran and found every acknowledged webhook.</summary>
    public bool Passed => Error is null && Lost == 0;
}
