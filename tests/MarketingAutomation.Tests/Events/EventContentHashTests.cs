namespace MarketingAutomation.Tests.Events;

/// <summary>The inbox content hash (RL-02, TW-04, SG-02): equal events hash equal, any change of content changes the hash.</summary>
public sealed class EventContentHashTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 1, 5, 9, 0);
    private static readonly Guid Decision = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    [Fact]
    public void Equal_events_built_separately_have_the_same_64_character_hash()
    {
        var a = new MessageEvent("sg-1", "c-1", At, Decision, MessageEventKind.Clicked) { Url = "https://shop.example/x", Channel = ChannelKind.Email };
        var b = new MessageEvent("sg-1", "c-1", At, Decision, MessageEventKind.Clicked) { Url = "https://shop.example/x", Channel = ChannelKind.Email };

        var hash = EventContentHash.Compute(a);

        Assert.Equal(hash, EventContentHash.Compute(b));
        Assert.Equal(EventContentHash.Length, hash.Length);
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void Every_field_of_a_message_event_changes_the_hash()
    {
        var e = new MessageEvent("sg-1", "c-1", At, Decision, MessageEventKind.Bounced) { Channel = ChannelKind.Email, Reason = "550" };
        MessageEvent[] variants =
        [
            e with { EventId = "sg-2" },
            e with { CustomerId = "c-2" },
            e with { OccurredAt = At + Duration.FromTicks(1) },
            e with { DecisionId = Guid.Empty },
            e with { Kind = MessageEventKind.Failed },
            e with { Channel = ChannelKind.Sms },
            e with { ProviderMessageId = "p-1" },
            e with { IsMachineOpen = true },
            e with { IsHardBounce = true },
            e with { ReplyText = "STOP" },
            e with { Url = "https://x.example" },
            e with { Reason = "551" },
        ];

        var hashes = variants.Select(EventContentHash.Compute).Append(EventContentHash.Compute(e)).ToArray();

        Assert.Equal(hashes.Length, hashes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_canonical_form_is_compact_json_with_ticks_and_normalised_amounts()
    {
        var purchase = new PurchaseEvent("o-1", "c-1", At, new Purchase("o-1", At, 42.50m) { Items = [new PurchaseItem("sku-1", "shoes", 1, 42.500m)] });

        var text = EventContentHash.CanonicalForm(purchase);

        Assert.Equal(
            $$$"""{"$t":"purchase","id":"o-1","customer":"c-1","at":{{{At.ToUnixTimeTicks()}}},"purchase":{"order":"o-1","at":{{{At.ToUnixTimeTicks()}}},"amount":"42.5","currency":"USD","items":[{"sku":"sku-1","category":"shoes","quantity":1,"unit_price":"42.5"}]}}""",
            text);
        Assert.Equal(EventContentHash.Compute(purchase), EventContentHash.Compute(purchase with { Purchase = purchase.Purchase with { Amount = 42.5000m } }));
    }

    [Fact]
    public void Consent_and_subscription_events_hash_their_records()
    {
        var consent = new ConsentEvent("k-1", "c-1", At, new ConsentRecord(ChannelKind.Sms, MessagePurpose.Marketing, ConsentStatus.Revoked, ConsentBasis.None, At) { Source = "STOP" });
        var subscription = new SubscriptionEvent("s-1", "c-1", At, SubscriptionChangeKind.Renewed, new Subscription("pro", At) { RenewsAt = At + Duration.FromDays(30) });

        Assert.NotEqual(EventContentHash.Compute(consent), EventContentHash.Compute(consent with { Consent = consent.Consent with { Source = "web" } }));
        Assert.NotEqual(EventContentHash.Compute(subscription), EventContentHash.Compute(subscription with { Subscription = subscription.Subscription with { RenewsAt = null } }));
    }
}
