using Microsoft.EntityFrameworkCore;

namespace AskProAI.Data.Internal;

/// <summary>Hands out the provider's context type as <see cref="AskProDbContext"/>, so callers need not know the provider.</summary>
internal sealed class AskProDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AskProDbContext>
    where TContext : AskProDbContext
{
    public AskProDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<AskProDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
        => await inner.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
}
