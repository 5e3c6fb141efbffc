using System.Text;
using System.Text.Json;
using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Privacy;

/// <summary>Data-subject rights through the engine (GD-01 to GD-04), inbox conflicts (RL-02) and the agent's model snapshots, on the in-memory store.</summary>
public sealed class CustomerDataRightsTests
{
    private static readonly byte[] Key = Encoding.ASCII.GetBytes("an-engine-test-suppression-key-of-32+bytes");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>GD-03: after erasure nothing is sent to the person, the unsent message is gone, and a re-import under a new id in another case is held by the suppression rule.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Erased_person_is_never_contacted_again_even_after_a_reimport()
    {
        await using var t = TestAgent.Create(b => b.AddWelcomeSequence().AddConsentPolicy().AddSuppressionList(Key), services: s => s.AddLogging(l => l.AddFakeLogging()));
        await t.ImportAsync(WithEmail("c-1", TestAgent.Start - Duration.FromHours(1)) with { ContactPoints = [new ContactPoint(ChannelKind.Email, "Erin.Example@Mail.test")] });
        await t.Agent.DecideDueAsync(t.Now, Ct);
        Assert.Single(t.OutboxOf("c-1"));

        var result = await t.Services.GetRequiredService<CustomerDataRights>().EraseAsync("c-1", Ct);
        await t.ImportAsync(WithEmail("c-9", TestAgent.Start - Duration.FromHours(1)) with { ContactPoints = [new ContactPoint(ChannelKind.Email, "ERIN.EXAMPLE@mail.TEST")] });
        for (var day = 0; day < 5; day++)
        {
            await t.RunAtAsync(TestAgent.Start + Duration.FromDays(day) + Duration.FromMinutes(1));
        }

        Assert.Equal(new ErasureResult(true, 1, 1, 1, 0, 1), result);
        Assert.Empty(t.Email.Sends);
        Assert.Empty(t.OutboxOf("c-1"));
        Assert.Null(await t.Store.GetCustomerAsync("c-1", Ct));
        var trace = Assert.Single(await t.Agent.ExplainAsync("c-9", cancellationToken: Ct) is { } why ? [why] : Array.Empty<DecisionTrace>());
        Assert.All(trace.Candidates, c => Assert.Contains(c.Verdicts, v => v.Rule == "suppression" && v.Kind == VerdictKind.Deny));
        var erased = Assert.Single(t.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 1071);
        Assert.DoesNotContain("erin", erased.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("c-1", erased.Message, StringComparison.Ordinal);
    }

    /// <summary>GD-02: an objection suppresses the address (durably, as a keyed hash) without deleting the customer.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task An_objection_suppresses_the_address_without_erasing_the_customer()
    {
        await using var t = TestAgent.Create(b => b.AddWelcomeSequence().AddConsentPolicy().AddSuppressionList(Key));
        await t.ImportAsync(WithEmail("c-1", TestAgent.Start - Duration.FromHours(1)));
        var address = (await t.CustomerAsync("c-1")).Customer.ContactPoints[0].Address;

        Assert.True(await t.Agent.DataRights.SuppressAsync(ChannelKind.Email, " " + address.ToUpperInvariant() + " ", cancellationToken: Ct));
        Assert.False(await t.Agent.DataRights.SuppressAsync(ChannelKind.Email, address, cancellationToken: Ct));
        await t.RunAsync();

        Assert.Empty(t.Email.Sends);
        Assert.NotNull(await t.Store.GetCustomerAsync("c-1", Ct));
        var entry = Assert.Single(await t.Store.GetSuppressionsAsync(Ct));
        Assert.Equal((ChannelKind.Email, CustomerDataRights.ObjectedReasonCode), (entry.Kind, entry.ReasonCode));
        Assert.DoesNotContain(address, entry.Hash.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>GD-03: a new agent over a store holding suppression entries loads them before deciding.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Durable_suppressions_are_loaded_by_the_agent_before_its_first_tick()
    {
        await using var t = TestAgent.Create(b => b.AddWelcomeSequence().AddConsentPolicy().AddSuppressionList(Key));
        await t.ImportAsync(WithEmail("c-1", TestAgent.Start - Duration.FromHours(1)));
        var address = (await t.CustomerAsync("c-1")).Customer.ContactPoints[0].Address;
        await t.Store.AddSuppressionsAsync([new SuppressionEntry(ChannelKind.Email, new SuppressionKey(Key).Hash(ChannelKind.Email, address), "Erased", t.Now)], Ct);
        var list = t.Pipeline.Policies.OfType<SuppressionPolicy>().Single().List;
        Assert.Equal(0, list.Count);

        await t.RunAsync();

        Assert.Equal(1, list.Count);
        Assert.Empty(t.Email.Sends);
    }

    /// <summary>Erasure without the suppression rule would leave nothing to stop a re-import, so it is refused with the call to make.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Erasure_without_a_suppression_rule_is_refused_and_changes_nothing()
    {
        await using var t = TestAgent.Create(b => b.AddWelcomeSequence());
        await t.ImportAsync(WithEmail("c-1"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => t.Agent.DataRights.EraseAsync("c-1", Ct));

        Assert.Contains("AddSuppressionList", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await t.Store.GetCustomerAsync("c-1", Ct));
    }

    /// <summary>GD-04 and GD-01: the JSON export carries the consent ledger with sources, oldest first, and the learned state.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Export_json_carries_the_consent_ledger_in_order()
    {
        await using var t = TestAgent.Create(b => b.AddWelcomeSequence().AddConsentPolicy());
        await t.ImportAsync(WithEmail("c-1"));
        var revoke = new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Revoked, ConsentBasis.None, t.Now) { Source = "unsubscribe-link" };
        await t.Agent.IngestAsync([new ConsentEvent("k-1", "c-1", t.Now, revoke)], Ct);
        using var stream = new MemoryStream();

        Assert.True(await t.Agent.DataRights.ExportJsonAsync("c-1", stream, Ct));

        using var json = JsonDocument.Parse(stream.ToArray());
        var ledger = json.RootElement.GetProperty("data").GetProperty("consentLedger");
        Assert.Equal(new[] { "Granted", "Revoked" }, ledger.EnumerateArray().Select(c => c.GetProperty("status").GetString()));
        Assert.Equal("unsubscribe-link", ledger[1].GetProperty("source").GetString());
        Assert.Equal((await t.Agent.DataRights.GetConsentLedgerAsync("c-1", Ct)).Count, ledger.GetArrayLength());
    }

    /// <summary>RL-02: an event id reused with other content is reported as a conflict, not applied, and logged with the id only.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task A_conflicting_event_is_reported_logged_without_personal_data_and_not_applied()
    {
        await using var t = TestAgent.Create(b => b.AddWelcomeSequence(), services: s => s.AddLogging(l => l.AddFakeLogging()));
        await t.ImportAsync(WithEmail("c-1"));
        var reply = new MessageEvent("tw-1", "c-1", t.Now, Guid.NewGuid(), MessageEventKind.Replied) { ReplyText = "call me at +14155550199" };
        await t.Agent.IngestAsync([reply], Ct);

        var result = await t.Agent.IngestAsync([reply with { ReplyText = "STOP" }], Ct);

        Assert.Equal((0, 0, 1), (result.Appended, result.Duplicates, result.Conflicts));
        Assert.Equal(new[] { "tw-1" }, result.ConflictingEventIds);
        var stored = Assert.IsType<MessageEvent>(Assert.Single((await t.CustomerAsync("c-1")).RecentEvents, e => e.EventId == "tw-1"));
        Assert.Equal("call me at +14155550199", stored.ReplyText);
        var log = Assert.Single(t.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 1070);
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Equal("tw-1", log.GetStructuredStateValue("EventId"));
        Assert.DoesNotContain("STOP", log.Message, StringComparison.Ordinal);
    }

    /// <summary>The agent saves the adaptive model to the store every ModelSaveInterval of tick time, restoring it first.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task The_agent_saves_the_model_snapshot_every_interval()
    {
        await using var t = TestAgent.Create(b => b.AddWelcomeSequence().UseAdaptiveStrategy(), o => o.ModelSaveInterval = TimeSpan.FromMinutes(30));

        await t.RunAtAsync(TestAgent.Start);
        var afterFirst = await t.Store.LoadModelStateAsync("adaptive.population", Ct);
        await t.RunAtAsync(TestAgent.Start + Duration.FromMinutes(20));
        var before = await t.Store.LoadModelStateAsync("adaptive.population", Ct);
        await t.RunAtAsync(TestAgent.Start + Duration.FromMinutes(31));
        var saved = await t.Store.LoadModelStateAsync("adaptive.population", Ct);

        Assert.Null(afterFirst);
        Assert.Null(before);
        Assert.NotNull(saved);
        Assert.Equal((1L, TestAgent.Start + Duration.FromMinutes(31)), (saved.Version, saved.SavedAt));
        Assert.True(saved.Data.Length > 0);
    }

    /// <summary>"Why did customer X get message Y": the agent answers from the store by customer and message id, only for that customer.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Why_message_by_customer_and_message_id_returns_the_stored_trace()
    {
        await using var t = TestAgent.Create(b => b.AddWelcomeSequence().AddConsentPolicy());
        await t.ImportAsync(WithEmail("c-1", TestAgent.Start - Duration.FromHours(1)), WithEmail("c-2", TestAgent.Start - Duration.FromHours(1)));
        await t.RunAsync();
        var sent = Assert.Single(t.Email.Accepted, s => s.Message.CustomerId == "c-1").Message;

        var why = await t.Agent.WhyMessageAsync("c-1", sent.MessageId, Ct);

        Assert.NotNull(why);
        Assert.Equal((sent.DecisionId, DecisionOutcome.Send), (why.DecisionId, why.Outcome));
        Assert.Contains("welcome", why.Explain(), StringComparison.OrdinalIgnoreCase);
        Assert.Null(await t.Agent.WhyMessageAsync("c-2", sent.MessageId, Ct));
    }

    /// <summary>A negative save interval is a configuration error.</summary>
    [Fact]
    public void A_negative_model_save_interval_is_reported()
    {
        var options = new MarketingAutomationOptions { ModelSaveInterval = TimeSpan.FromSeconds(-1) };

        Assert.Contains(options.Validate(), p => p.Contains("ModelSaveInterval", StringComparison.Ordinal));
    }
}
