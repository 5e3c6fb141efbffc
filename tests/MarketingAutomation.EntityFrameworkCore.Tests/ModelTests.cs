using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

public sealed class ModelTests
{
    [Fact]
    public void On_PostgreSQL_ids_are_ordered_by_the_binary_C_collation()
    {
        var options = new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseNpgsql("Host=localhost").Options;
        using var db = new MarketingAutomationDbContext(options);

        var script = db.Database.GenerateCreateScript();

        Assert.Contains("id character varying(256) COLLATE \"C\" NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("message_id character varying(256) COLLATE \"C\" NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("review_id character varying(256) COLLATE \"C\" NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("ix_customers_due", script, StringComparison.Ordinal);
    }

    [Fact]
    public void On_SQLite_ids_keep_the_default_binary_collation()
    {
        var options = new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseSqlite("Data Source=:memory:").Options;
        using var db = new MarketingAutomationDbContext(options);

        var script = db.Database.GenerateCreateScript();

        Assert.DoesNotContain("COLLATE", script, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX \"ix_customers_due\" ON \"customers\" (\"next_evaluation_at\", \"id\");", script, StringComparison.Ordinal);
    }
}
