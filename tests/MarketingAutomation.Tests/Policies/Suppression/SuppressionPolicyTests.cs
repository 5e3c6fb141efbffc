using System.Collections;
using System.Reflection;
using MarketingAutomation.Tests.Pipeline;
using MarketingAutomation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Policies.Suppression;

/// <summary>GD-02 / GD-03: a suppressed (objected, opted-out or erased) contact point is never contacted, whatever the purpose.</summary>
public sealed class SuppressionPolicyTests
{
    private readonly SuppressionKey _key = new(SuppressionKeyTests.Secret);
    private readonly InMemorySuppressionList _list = new();

    private PolicyVerdict Judge(Customer customer, ChannelKind kind, MessagePurpose purpose = MessagePurpose.Marketing)
    {
        var policy = new SuppressionPolicy(_key, _list);
        var context = new PolicyContext(Context(customer), TestCandidates.For(TestCandidates.Goal("g", purpose: purpose), kind, customer), Now);
        return policy.Evaluate(in context);
    }

    private static Customer With(string email, string phone) =>
        Reachable() with { ContactPoints = [new ContactPoint(ChannelKind.Email, email), new ContactPoint(ChannelKind.Sms, phone)] };

    [Theory]
    [InlineData(MessagePurpose.Marketing)]
    [InlineData(MessagePurpose.Transactional)]
    public void Evaluate_ReimportedInAnotherCase_DeniedForEveryPurpose(MessagePurpose purpose)
    {
        _list.Suppress(_key, ChannelKind.Email, "alice@example.com");

        var verdict = Judge(With("Alice@Example.COM ", "+14155550100"), ChannelKind.Email, purpose);

        Assert.Equal(VerdictKind.Deny, verdict.Kind);
        Assert.Equal(ComplianceReasonCodes.Suppressed, verdict.Code);
    }

    [Fact]
    public void Evaluate_PhoneReimportedInAnotherFormat_Denied()
    {
        _list.Suppress(_key, ChannelKind.Sms, "+14155550100");

        Assert.Equal(ComplianceReasonCodes.Suppressed, Judge(With("bob@example.com", "+1 (415) 555-0100"), ChannelKind.Sms).Code);
        Assert.Equal(ComplianceReasonCodes.Suppressed, Judge(With("bob@example.com", "+14155550100"), ChannelKind.Sms).Code);
        Assert.True(Judge(With("bob@example.com", "+14155550100"), ChannelKind.Email).IsAllowed);
    }

    [Fact]
    public void Evaluate_NotSuppressed_Allows()
    {
        _list.Suppress(_key, ChannelKind.Email, "someone.else@example.com");

        Assert.True(Judge(With("alice@example.com", "+14155550100"), ChannelKind.Email).IsAllowed);
    }

    [Fact]
    public void Evaluate_SameAddressOnAnotherKind_NotConfused()
    {
        _list.Suppress(_key, ChannelKind.Push, "alice@example.com");

        Assert.True(Judge(With("alice@example.com", "+14155550100"), ChannelKind.Email).IsAllowed);
    }

    [Fact]
    public void List_NeverHoldsRawAddresses()
    {
        // GD-03: a scan of the list finds no plaintext address, in any form.
        string[] raw = ["alice@example.com", "Alice@Example.COM", "+14155550100", "4155550100"];
        _list.Suppress(_key, ChannelKind.Email, "Alice@Example.COM ");
        _list.Suppress(_key, ChannelKind.Sms, "+1 (415) 555-0100");

        var dump = Dump(_list, depth: 0);

        Assert.Equal(2, _list.Count);
        Assert.All(_list.Snapshot(), e => Assert.Equal(64, e.Hash.ToString().Length));
        foreach (var text in raw)
        {
            Assert.DoesNotContain(text, dump, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("@", dump, StringComparison.Ordinal);
    }

    [Fact]
    public void List_ConcurrentAddsAndLookups_Consistent()
    {
        var hashes = Enumerable.Range(0, 2000).Select(i => _key.Hash(ChannelKind.Email, $"user{i}@example.com")).ToArray();

        Parallel.For(0, hashes.Length, i =>
        {
            _list.Add(ChannelKind.Email, hashes[i]);
            Assert.True(_list.Contains(ChannelKind.Email, hashes[i]));
        });

        Assert.Equal(hashes.Length, _list.Count);
        Assert.False(_list.Add(ChannelKind.Email, hashes[0]));
    }

    [Fact]
    public void Evaluate_EmailAndE164_DoNotAllocate()
    {
        // Hot path rule: no allocation per candidate (the address is hashed into stack buffers and looked up by value).
        _list.Suppress(_key, ChannelKind.Email, "alice@example.com");
        var policy = new SuppressionPolicy(_key, _list);
        var customer = With("Alice@Example.COM", "+14155550100");
        var email = new PolicyContext(Context(customer), TestCandidates.For(TestCandidates.Goal("g"), ChannelKind.Email, customer), Now);
        var sms = new PolicyContext(Context(customer), TestCandidates.For(TestCandidates.Goal("g"), ChannelKind.Sms, customer), Now);
        policy.Evaluate(in email);
        policy.Evaluate(in sms);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            policy.Evaluate(in email);
            policy.Evaluate(in sms);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Agent_SuppressedCustomerReimported_NeverContacted()
    {
        await using var agent = TestAgent.Create(b => b
            .AddGoal(TestCandidates.Goal("promo"))
            .AddConsentPolicy()
            .AddSuppressionList(SuppressionKeyTests.Secret));
        var list = agent.Services.GetRequiredService<ISuppressionList>();
        var key = agent.Services.GetRequiredService<SuppressionKey>();
        list.Suppress(key, ChannelKind.Email, Email);
        list.Suppress(key, ChannelKind.Sms, Phone);
        await agent.ImportAsync(With(Email.ToUpperInvariant(), Phone));

        await agent.RunAsync();

        Assert.Empty(agent.AllSends);
        var trace = await agent.Agent.ExplainAsync("c1", cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotNull(trace);
        Assert.NotEmpty(trace.Candidates);
        Assert.All(trace.Candidates, c => Assert.Contains(c.Verdicts, v => v.Rule == "suppression" && v.Code == ComplianceReasonCodes.Suppressed));
    }

    [Fact]
    public void Agent_ShortKey_ReportedAtStartup()
    {
        var ex = Assert.Throws<MarketingAutomationConfigurationException>(
            () => TestAgent.Create(b => b.AddGoal(TestCandidates.Goal("promo")).AddSuppressionList(new byte[16])));

        Assert.Contains("at least 32", ex.Message, StringComparison.Ordinal);
    }

    private static string Dump(object? value, int depth)
    {
        if (value is null || depth > 6)
        {
            return string.Empty;
        }

        if (value is string s)
        {
            return s + "\n";
        }

        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum)
        {
            return value + "\n";
        }

        var text = new System.Text.StringBuilder();
        if (value is SuppressionHash hash)
        {
            return hash + "\n";
        }

        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                text.Append(Dump(item, depth + 1));
            }
        }

        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (!field.FieldType.IsPointer && !field.FieldType.IsByRefLike)
            {
                text.Append(Dump(field.GetValue(value), depth + 1));
            }
        }

        return text.ToString();
    }
}
