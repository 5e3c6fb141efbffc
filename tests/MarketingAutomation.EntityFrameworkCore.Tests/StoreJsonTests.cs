namespace MarketingAutomation.EntityFrameworkCore.Tests;

public sealed class StoreJsonTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 9, 0, 1) + Duration.FromNanoseconds(123_456_789);

    [Fact]
    public void A_fully_populated_customer_round_trips()
    {
        var customer = new Customer("cust-001")
        {
            TimeZoneId = "Europe/Berlin",
            Language = "de-DE",
            SignedUpAt = T0 - Duration.FromDays(30),
            ContactPoints =
            [
                new ContactPoint(ChannelKind.Email, "a@example.com") { VerifiedAt = T0 },
                new ContactPoint(ChannelKind.Sms, "+14155550100") { IsValid = false, InvalidReason = "hard bounce" },
            ],
            Consents =
            [
                new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, T0) { Source = "form", Evidence = "ip 1.2.3.4" },
                new ConsentRecord(ChannelKind.Sms, MessagePurpose.Transactional, ConsentStatus.Revoked, ConsentBasis.None, T0 + Duration.FromHours(1)),
            ],
            Subscriptions = [new Subscription("pro", T0) { RenewsAt = T0 + Duration.FromDays(30), CancelledAt = T0 + Duration.FromDays(3) }],
            Purchases =
            [
                new Purchase("order-1", T0, 42.10m)
                {
                    Items = [new PurchaseItem("sku-1", "shoes", 2, 21.05m)],
                    Currency = "EUR",
                    AttributedDecisionId = Guid.NewGuid(),
                },
            ],
            SupportContacts = [new SupportContact(T0, "billing") { Resolved = true }],
            Attributes = ImmutableDictionary<string, string>.Empty.Add("segment", "gold").Add("first_name", "Ana"),
        };

        var json = StoreJson.Serialize(customer);
        var back = StoreJson.Deserialize<Customer>(json);

        Assert.True(CustomerProjection.HasSameFacts(customer, back), json);
        Assert.Equal(json, StoreJson.Serialize(back));
        Assert.Equal(DateTimeZoneProviders.Tzdb["Europe/Berlin"], back.TimeZone);
        Assert.Equal(customer.Purchases[0].Items[0], back.Purchases[0].Items[0]);
        Assert.Equal(customer.Subscriptions[0], back.Subscriptions[0]);
        Assert.Equal(customer.SupportContacts[0], back.SupportContacts[0]);
        Assert.DoesNotContain("LifetimeValue", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_customer_with_an_unknown_time_zone_round_trips()
    {
        var back = StoreJson.Deserialize<Customer>(StoreJson.Serialize(new Customer("c") { TimeZoneId = "Mars/Olympus" }));

        Assert.Equal("Mars/Olympus", back.TimeZoneId);
        Assert.Null(back.TimeZone);
    }

    [Fact]
    public void A_decision_trace_round_trips()
    {
        var trace = new DecisionTrace(Guid.NewGuid(), "cust-001", T0, DecisionOutcome.Review, ReasonCodes.LowConfidence)
        {
            Goals = [new GoalTrace("welcome", 2, T0 + Duration.FromHours(1)), new GoalTrace("winback", 0, null)],
            Candidates =
            [
                new CandidateTrace("welcome", "welcome-1", "email", "offer-10",
                    [new VerdictTrace("consent", VerdictKind.Allow, null, null, null), new VerdictTrace("quiet-hours", VerdictKind.Defer, ReasonCodes.QuietHours, "night", T0 + Duration.FromHours(8))])
                {
                    Allowed = true,
                    Score = 0.75,
                    FollowUpOf = Guid.NewGuid(),
                    ReasonCode = ReasonCodes.Selected,
                },
                new CandidateTrace("welcome", "welcome-1", "sms", null, [new VerdictTrace("consent", VerdictKind.Deny, ReasonCodes.NoConsent, "no consent", null)]),
            ],
            ChosenIndex = 0,
            Strategy = "adaptive",
            Score = double.NaN,
            Confidence = 0.2,
            Propensity = 0.5,
            Exploratory = true,
            SendAt = T0 + Duration.FromMinutes(5),
            TimingReason = "best hour",
            ContentVerdicts = [new VerdictTrace("length", VerdictKind.Allow, null, null, null)],
            ReviewReason = ReasonCodes.LowConfidence,
            MessageId = "msg-1",
            NextEvaluationAt = T0 + Duration.FromDays(1),
            Error = "boom",
            ErrorType = "System.InvalidOperationException",
            Notes = ["dry run", "second note"],
        };

        var json = StoreJson.Serialize(trace);
        var back = StoreJson.Deserialize<DecisionTrace>(json);

        Assert.Equal(json, StoreJson.Serialize(back));
        Assert.Equal(trace.Explain(), back.Explain());
        Assert.Equal(trace.Goals, back.Goals);
        Assert.Equal(trace.Candidates[1].Verdicts, back.Candidates[1].Verdicts);
        Assert.Equal(trace.Notes, back.Notes);
        Assert.Equal(trace with { Goals = back.Goals, Candidates = back.Candidates, ContentVerdicts = back.ContentVerdicts, Notes = back.Notes }, back);
    }

    [Fact]
    public void Messages_outbox_rows_reviews_and_events_round_trip()
    {
        var decision = Guid.NewGuid();
        var message = new MessageRecord("msg-1", decision, "welcome", "welcome-1", "email", ChannelKind.Email, MessagePurpose.Marketing, T0)
        {
            Step = 2,
            Status = MessageStatus.HeldForReview,
            SentAt = T0,
            EngagedAt = T0 + Duration.FromHours(1),
            Important = true,
            FollowUpAfter = Duration.FromDays(2) + Duration.FromNanoseconds(5),
            FollowUpOf = Guid.NewGuid(),
        };
        var outbound = new OutboundMessage("msg-1", decision, "cust-001", "email", "a@example.com", "Hello")
        {
            Kind = ChannelKind.Email,
            Subject = "Hi",
            Purpose = MessagePurpose.Transactional,
            GoalId = "welcome",
            VariantId = "welcome-1",
            Step = 1,
            OfferId = "offer-10",
            Headers = ImmutableDictionary<string, string>.Empty.Add("List-Unsubscribe", "<mailto:u@example.com>"),
            Important = true,
            FollowUpAfter = Duration.FromDays(1),
            FollowUpOf = Guid.NewGuid(),
        };
        var review = new PendingReview("review-1", new OutboxMessage(outbound, T0) { Status = OutboxStatus.Claimed, Attempts = 2, LeaseOwner = "d", LeaseUntil = T0, ProviderMessageId = "p", LastError = "e" }, ReasonCodes.LowConfidence, T0)
        {
            Confidence = 0.25,
        };
        ImmutableArray<CustomerEvent> events =
        [
            new MessageEvent("e1", "cust-001", T0, decision, MessageEventKind.Replied) { Channel = ChannelKind.Sms, ReplyText = "STOP", IsMachineOpen = true, IsHardBounce = true, ProviderMessageId = "p", Url = "https://x", Reason = "r" },
            new PurchaseEvent("e2", "cust-001", T0, new Purchase("o", T0, 1m)),
            new BrowseEvent("e3", "cust-001", T0, "shoes") { Sku = "sku-1" },
            new SubscriptionEvent("e4", "cust-001", T0, SubscriptionChangeKind.Renewed, new Subscription("pro", T0)),
            new ConsentEvent("e5", "cust-001", T0, new ConsentRecord(ChannelKind.Push, MessagePurpose.Marketing, ConsentStatus.Objected, ConsentBasis.None, T0)),
        ];

        var messageBack = StoreJson.Deserialize<ImmutableArray<MessageRecord>>(StoreJson.Serialize(ImmutableArray.Create(message)));
        var outboundBack = StoreJson.Deserialize<OutboundMessage>(StoreJson.Serialize(outbound));
        var reviewJson = StoreJson.Serialize(review);
        var reviewBack = StoreJson.Deserialize<PendingReview>(reviewJson);
        var eventsJson = StoreJson.Serialize(events);
        var eventsBack = StoreJson.Deserialize<ImmutableArray<CustomerEvent>>(eventsJson);

        Assert.Equal(message, Assert.Single(messageBack));
        Assert.Equal(outbound with { Headers = outboundBack.Headers }, outboundBack);
        Assert.Equal(outbound.Headers["List-Unsubscribe"], outboundBack.Headers["List-Unsubscribe"]);
        Assert.Equal(reviewJson, StoreJson.Serialize(reviewBack));
        Assert.Equal(review.Message with { Message = reviewBack.Message.Message }, reviewBack.Message);
        Assert.Equal(0.25, reviewBack.Confidence);
        Assert.Equal(events.Length, eventsBack.Length);
        Assert.Equal(eventsJson, StoreJson.Serialize(eventsBack));
        for (var i = 0; i < events.Length; i++)
        {
            Assert.IsType(events[i].GetType(), eventsBack[i]);
        }

        Assert.Equal(events[0], eventsBack[0]);
        Assert.Equal(events[2], eventsBack[2]);
        Assert.Equal(events[4], eventsBack[4]);
    }
}

public sealed class StoreJsonDefaultsTests
{
    [Fact]
    public void Default_immutable_arrays_are_written_as_empty()
    {
        var customer = new Customer("c") { ContactPoints = default, Consents = default, Purchases = default, Subscriptions = default, SupportContacts = default };

        var back = StoreJson.Deserialize<Customer>(StoreJson.Serialize(customer));

        Assert.True(CustomerProjection.HasSameFacts(customer, back));
        Assert.False(back.Consents.IsDefault);
        Assert.Empty(back.ContactPoints);
    }

    [Fact]
    public void Events_of_types_without_a_discriminator_are_not_stored()
    {
        Assert.False(StoreJson.IsStorable(new CustomEvent("e", "c", Instant.FromUnixTimeSeconds(0))));
        Assert.True(StoreJson.IsStorable(new BrowseEvent("e", "c", Instant.FromUnixTimeSeconds(0), "shoes")));
    }

    [Fact]
    public void Null_values_that_read_back_as_null_are_left_out_of_a_trace_and_it_round_trips()
    {
        var at = Instant.FromUtc(2026, 3, 2, 9, 0);
        var trace = new DecisionTrace(Guid.CreateVersion7(), "c1", at, DecisionOutcome.Send, ReasonCodes.Selected)
        {
            Goals = [new GoalTrace("welcome", 1, null)],
            Candidates =
            [
                new CandidateTrace("welcome", "v1", "email", null, [new VerdictTrace("consent", VerdictKind.Allow, null, null, null)]) { Allowed = true, Score = 2 },
                new CandidateTrace("welcome", "v1", "sms", "offer-1", [new VerdictTrace("quiet-hours", VerdictKind.Defer, "QuietHours", "outside the window", at + Duration.FromHours(7))]),
            ],
            ChosenIndex = 0,
            Strategy = "goal-priority",
            SendAt = at,
        };

        var json = StoreJson.Serialize(trace);
        var back = StoreJson.Deserialize<DecisionTrace>(json);

        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.Equal(json, StoreJson.Serialize(back));
        Assert.Null(back.Candidates[0].OfferId);
        Assert.Null(back.Candidates[0].Verdicts[0].Reason);
        Assert.Null(back.ReviewReason);
        Assert.Null(back.NextEvaluationAt);
        Assert.Equal(trace.Candidates[1].Verdicts[0], back.Candidates[1].Verdicts[0]);
    }

    [Fact]
    public void A_null_is_written_where_leaving_it_out_would_read_back_a_default()
    {
        var probe = new Probe(null) { Initialized = null, Plain = null };

        var json = StoreJson.Serialize(probe);
        var back = StoreJson.Deserialize<Probe>(json);

        Assert.Equal(probe, back);
        Assert.Contains("\"Defaulted\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"Initialized\":null", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Plain", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Documents_written_with_explicit_nulls_read_the_same()
    {
        const string Explicit = """{"Rule":"consent","Kind":0,"Code":null,"Reason":null,"Until":null}""";

        var back = StoreJson.Deserialize<VerdictTrace>(Explicit);

        Assert.Equal(new VerdictTrace("consent", VerdictKind.Allow, null, null, null), back);
        Assert.Equal("""{"Rule":"consent","Kind":0}""", StoreJson.Serialize(back));
    }

    private sealed record CustomEvent(string EventId, string CustomerId, Instant OccurredAt) : CustomerEvent(EventId, CustomerId, OccurredAt);

    private sealed record Probe(string? Defaulted = "default")
    {
        public string? Initialized { get; init; } = "initialized";

        public string? Plain { get; init; }
    }
}
