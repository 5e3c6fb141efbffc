using MarketingAutomation.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MarketingAutomation;

/// <summary>Registers the EF Core customer store.</summary>
public static class EntityFrameworkCoreBuilderExtensions
{
    /// <summary>
    /// Uses the EF Core store as the customer store and the review queue. Registers a pooled
    /// <see cref="IDbContextFactory{TContext}"/> of <see cref="MarketingAutomationDbContext"/> configured by
    /// <paramref name="configure"/> (for example <c>o =&gt; o.UseSqlite("Data Source=marketing.db")</c>); the store opens one context,
    /// one connection and, for changes, one transaction per operation. The schema is created at first use when it does not exist
    /// (<c>Database.EnsureCreatedAsync</c>; migrations are not applied).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the provider and connection.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseEntityFrameworkCoreStore(this IMarketingAutomationBuilder builder, Action<DbContextOptionsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddPooledDbContextFactory<MarketingAutomationDbContext>(configure);
        builder.Services.TryAddSingleton(static sp => new EntityFrameworkCoreCustomerStore(sp.GetRequiredService<IDbContextFactory<MarketingAutomationDbContext>>()));
        return builder
            .SetCustomerStore(static sp => sp.GetRequiredService<EntityFrameworkCoreCustomerStore>())
            .SetReviewQueue(static sp => sp.GetRequiredService<EntityFrameworkCoreCustomerStore>());
    }
}
