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
    /// <paramref name="configure"/> (for example <c>o =&gt; o.UseSqlite("Data Source=marketing.db")</c> or
    /// <c>o =&gt; o.UseNpgsql(connectionString)</c>); the store opens one context, one connection and, for changes, one transaction per
    /// operation. At first use the store applies the package's migrations for the provider (<see cref="EntityFrameworkCoreSchemaMode.Migrate"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the provider and connection.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseEntityFrameworkCoreStore(this IMarketingAutomationBuilder builder, Action<DbContextOptionsBuilder> configure) =>
        UseEntityFrameworkCoreStore(builder, configure, static _ => { });

    /// <summary>
    /// Uses the EF Core store as the customer store and the review queue, as
    /// <see cref="UseEntityFrameworkCoreStore(IMarketingAutomationBuilder, Action{DbContextOptionsBuilder})"/>, with store options: for
    /// example <c>store =&gt; store.Schema = EntityFrameworkCoreSchemaMode.None</c> when the application applies the schema itself.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the provider and connection.</param>
    /// <param name="configureStore">Configures the store.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseEntityFrameworkCoreStore(this IMarketingAutomationBuilder builder, Action<DbContextOptionsBuilder> configure, Action<EntityFrameworkCoreStoreOptions> configureStore)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(configureStore);
        var options = new EntityFrameworkCoreStoreOptions();
        configureStore(options);
        if (!Enum.IsDefined(options.Schema))
        {
            throw new MarketingAutomationConfigurationException($"EntityFrameworkCoreStoreOptions.Schema has the undefined value {options.Schema}.");
        }

        var schema = options.Schema;
        builder.Services.AddPooledDbContextFactory<MarketingAutomationDbContext>(configure);
        builder.Services.TryAddSingleton(sp => new EntityFrameworkCoreCustomerStore(sp.GetRequiredService<IDbContextFactory<MarketingAutomationDbContext>>(), schema));
        return builder
            .SetCustomerStore(static sp => sp.GetRequiredService<EntityFrameworkCoreCustomerStore>())
            .SetReviewQueue(static sp => sp.GetRequiredService<EntityFrameworkCoreCustomerStore>());
    }
}
