namespace AskProAI.Data;

/// <summary>
/// A row with a version: a concurrency token that every update through a context increments
/// (<see cref="AskProDbContext.SaveChanges(bool)"/>), so an update or delete whose row changed since it was read fails
/// with <c>DbUpdateConcurrencyException</c> instead of overwriting the other write, and the change tracker's original
/// values of a saved update are the committed row it replaced (ADR 0022). Bulk updates (<c>ExecuteUpdate</c>) increment it too.
/// </summary>
public interface IVersioned
{
    /// <summary>Gets or sets the version: 0 when inserted, one more with every update.</summary>
    int Version { get; set; }
}
