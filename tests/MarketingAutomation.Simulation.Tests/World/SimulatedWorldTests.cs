namespace MarketingAutomation.Simulation.Tests.World;

public class SimulatedWorldTests
{
    private static readonly PopulationOptions Population = new() { Customers = 4_000, Seed = 5 };
    private static readonly List<SimulatedCustomer> Customers = PopulationGenerator.Generate(Population).ToList();

    private static Instant Start => Population.Start;

    private static List<(string Id, Instant At, decimal Amount)> Organic(IEnumerable<CustomerEvent> events, Func<string, bool> include) =>
        events.OfType<PurchaseEvent>()
            .Where(p => p.EventId.StartsWith("org-", StringComparison.Ordinal) && include(p.CustomerId))
            .Select(p => (p.EventId, p.OccurredAt, p.Purchase.Amount))
            .OrderBy(p => p.EventId, StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void Messages_do_not_change_the_organic_purchases_of_customers_never_messaged()
    {
        var quiet = new WorldDriver(Population, Customers);
        var busy = new WorldDriver(Population, Customers);
        var messaged = Customers.Where(c => c.Index % 3 == 0 && c.Customer.FindContact(ChannelKind.Email) is not null).Select(c => c.Customer.Id).ToHashSet();
        var previous = Start;
        for (var hour = 1; hour <= 60 * 24; hour++)
        {
            var now = Start + Duration.FromHours(hour);
            foreach (var driver in new[] { quiet, busy })
            {
                var events = driver.AdvanceTo(now);
                for (var e = 0; e < events.Count; e++)
                {
                    Assert.True(events[e].OccurredAt > previous && events[e].OccurredAt <= now, "events come once, when due");
                    Assert.True(e == 0 || events[e - 1].OccurredAt <= events[e].OccurredAt, "events come in time order");
                }
            }

            previous = now;
            if (hour % 48 == 15)
            {
                foreach (var id in messaged)
                {
                    busy.Send(busy.Email, id, offerId: hour % 96 == 15 ? "missyou15" : null);
                }
            }
        }

        Assert.Empty(quiet.Events.OfType<MessageEvent>());
        Assert.Equal(busy.Events.Count, busy.Events.Select(e => e.EventId).Distinct().Count());
        var untouched = Organic(quiet.Events, id => !messaged.Contains(id));
        Assert.True(untouched.Count > 300, $"only {untouched.Count} organic purchases");
        Assert.Equal(untouched, Organic(busy.Events, id => !messaged.Contains(id)));

        // Messaged customers differ only by design: driven purchases, and organic ones that were pulled forward, lost or revived.
        Assert.True(busy.World.Metrics.Conversions > 0);
        Assert.Equal(0, quiet.World.Metrics.Conversions);
        Assert.Equal(quiet.World.Metrics.OrganicPurchases - untouched.Count, Organic(quiet.Events, messaged.Contains).Count + quiet.World.Metrics.Renewals);

        // A world holding only some customers gives them the same organic purchases: draws are keyed by customer, not by position.
        var subset = new WorldDriver(Population, Customers.Where(c => c.Index % 2 == 1));
        subset.AdvanceTo(Start + Duration.FromDays(60));
        Assert.Equal(Organic(quiet.Events, id => int.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) % 2 == 1), Organic(subset.Events, _ => true));
    }

    [Fact]
    public void E_mail_answers_bounces_machine_opens_human_opens_clicks_and_attributed_conversions()
    {
        var driver = new WorldDriver(Population, Customers);
        var sendAt = Start + Duration.FromHours(24 + 14); // Tuesday 14:00 UTC
        driver.AdvanceTo(sendAt);
        var decisions = new Dictionary<Guid, string>();
        foreach (var c in Customers.Where(c => c.Customer.FindContact(ChannelKind.Email) is not null))
        {
            Assert.Equal(SendStatus.Accepted, driver.Send(driver.Email, c.Customer.Id, offerId: "missyou15").Status);
        }

        foreach (var s in driver.World.Sent)
        {
            decisions[s.DecisionId] = s.CustomerId;
            Assert.Equal(sendAt, s.At);
        }

        driver.AdvanceTo(sendAt + Duration.FromDays(12));
        var messages = driver.Events.OfType<MessageEvent>().ToList();
        var byDecision = messages.ToLookup(m => m.DecisionId);
        var sends = decisions.Count;

        var bounces = messages.Where(m => m.Kind == MessageEventKind.Bounced).ToList();
        var hard = bounces.Count(b => b.IsHardBounce);
        Assert.InRange(hard / (double)sends, 0.01, 0.035);
        Assert.All(bounces, b => Assert.DoesNotContain(byDecision[b.DecisionId], m => m.Kind == MessageEventKind.Delivered));

        var delivered = messages.Where(m => m.Kind == MessageEventKind.Delivered).ToDictionary(m => m.DecisionId, m => m.OccurredAt);
        Assert.Equal(sends - bounces.Count, delivered.Count);
        var machine = messages.Where(m => m.Kind == MessageEventKind.Opened && m.IsMachineOpen).ToList();
        Assert.InRange(machine.Count / (double)delivered.Count, 0.38, 0.52);
        Assert.All(machine, m => Assert.InRange(m.OccurredAt - delivered[m.DecisionId], Duration.FromSeconds(5), Duration.FromMinutes(10)));

        var human = messages.Where(m => m.Kind == MessageEventKind.Opened && !m.IsMachineOpen).ToList();
        Assert.InRange(human.Count / (double)delivered.Count, 0.08, 0.45);
        Assert.All(human, m => Assert.True(m.OccurredAt >= delivered[m.DecisionId] + Duration.FromSeconds(30)));

        // Opens land in the customer's engaged hours: more engaged, on average, than the send instant.
        double Engagement(CustomerEvent e) => driver.World.Find(e.CustomerId)!.Truth.EngagementAt(e.OccurredAt);
        var atOpen = human.Average(Engagement);
        var atDelivery = human.Average(m => (double)driver.World.Find(m.CustomerId)!.Truth.EngagementAt(delivered[m.DecisionId]));
        Assert.True(atOpen > atDelivery + 0.1, $"engagement at open {atOpen:F2}, at delivery {atDelivery:F2}");

        var clicks = messages.Where(m => m.Kind == MessageEventKind.Clicked).ToList();
        Assert.NotEmpty(clicks);
        Assert.All(clicks, c => Assert.Contains(byDecision[c.DecisionId], m => m.Kind == MessageEventKind.Opened && !m.IsMachineOpen && m.OccurredAt < c.OccurredAt));

        var conversions = driver.Events.OfType<PurchaseEvent>().Where(p => p.EventId.StartsWith("conv-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(conversions);
        foreach (var p in conversions)
        {
            var decision = Assert.IsType<Guid>(p.Purchase.AttributedDecisionId);
            Assert.Equal("conv-" + decision, p.EventId);
            Assert.Equal(decisions[decision], p.CustomerId);
            var click = Assert.Single(byDecision[decision], m => m.Kind == MessageEventKind.Clicked);
            Assert.InRange(p.OccurredAt - click.OccurredAt, Duration.Zero, Duration.FromDays(7));
            var feedback = FeedbackIngestor.ToFeedback(p);
            Assert.NotNull(feedback);
            Assert.Equal(FeedbackKind.Converted, feedback.Kind);
            Assert.Equal(decision, feedback.DecisionId);
        }

        var m = driver.World.Metrics.For(ChannelKind.Email);
        Assert.Equal(sends, m.Sends);
        Assert.Equal(delivered.Count, m.Delivered);
        Assert.Equal(human.Count, m.HumanOpens);
        Assert.Equal(machine.Count, m.MachineOpens);
        Assert.Equal(clicks.Count, m.Clicks);
        Assert.Equal(conversions.Count, m.Conversions);
        Assert.Equal(bounces.Count, m.Bounces);
        Assert.Equal((double)conversions.Sum(p => p.Purchase.Amount), driver.World.Metrics.DrivenRevenue, 6);
        var daily = driver.World.Metrics.CumulativeConversionsByDay;
        Assert.Equal(1 + 12 + 1, daily.Count); // advanced to day 13 14:00: days 0..13
        Assert.Equal(14, driver.World.Metrics.CumulativeRevenueByDay.Count);
        Assert.Equal(conversions.Count, daily[^1]);
        Assert.Equal(driver.World.Metrics.Revenue, driver.World.Metrics.CumulativeRevenueByDay[^1], 6);
        Assert.Contains("purchases", driver.World.Metrics.ToString(), StringComparison.Ordinal);

        // The oracle's open probability matches what happened.
        var expectedOpens = Customers.Where(c => c.Customer.FindContact(ChannelKind.Email) is not null)
            .Sum(c => new SimulatedWorld(Population, [c]).Outlook(c, ChannelKind.Email, "win-back", new Offer("missyou15", 15m), sendAt).OpenProbability);
        Assert.InRange(human.Count / expectedOpens, 0.85, 1.15);
    }

    [Fact]
    public void The_same_sends_give_the_same_events()
    {
        List<string> Run()
        {
            var driver = new WorldDriver(Population, Customers.Take(1_000));
            for (var day = 0; day < 20; day++)
            {
                driver.AdvanceTo(Start + Duration.FromDays(day) + Duration.FromHours(16));
                foreach (var c in Customers.Take(1_000).Where(c => c.Index % 2 == day % 2))
                {
                    driver.Send(c.Customer.FindContact(ChannelKind.Sms) is null ? driver.Email : driver.Sms, c.Customer.Id, offerId: day % 4 == 0 ? "welcome10" : null);
                }
            }

            driver.AdvanceTo(Start + Duration.FromDays(30));
            return driver.Events.Select(e => $"{e.GetType().Name} {e.CustomerId} {e.OccurredAt} {(e as MessageEvent)?.Kind} {(e as PurchaseEvent)?.Purchase.Amount}").ToList();
        }

        var first = Run();
        Assert.True(first.Count > 5_000);
        Assert.Equal(first, Run());
    }

    [Fact]
    public void Channels_reject_unknown_recipients_and_long_bodies_and_report_capabilities()
    {
        var driver = new WorldDriver(Population, Customers.Take(100));
        var unknown = driver.Send(driver.Email, "nobody");
        Assert.Equal(SendStatus.Rejected, unknown.Status);
        Assert.True(unknown.IsPermanent);
        var smsCustomer = Customers.Take(100).First(c => c.Customer.FindContact(ChannelKind.Sms) is not null);
        var tooLong = driver.Send(driver.Sms, smsCustomer.Customer.Id, body: new string('x', 400));
        Assert.Equal(SendStatus.Rejected, tooLong.Status);
        Assert.False(tooLong.IsPermanent);
        var noPush = Customers.Take(100).First(c => c.Customer.FindContact(ChannelKind.Push) is null);
        Assert.True(driver.Send(driver.Push, noPush.Customer.Id).IsPermanent);
        Assert.Equal(3, driver.World.Sent.Count);
        Assert.All(driver.World.Sent, s => Assert.False(s.Accepted));

        Assert.True(driver.Email.Capabilities.SupportsSubject);
        Assert.Equal(0.001, driver.Email.Capabilities.CostPerMessage);
        Assert.Equal(306, driver.Sms.Capabilities.MaxBodyLength);
        Assert.Equal(Duration.FromMinutes(10), driver.Sms.Capabilities.MaxProviderQueueDelay);
        Assert.Equal(0.0079, driver.Sms.Capabilities.CostPerMessage);
        Assert.Equal(178, driver.Push.Capabilities.MaxBodyLength);
        Assert.Equal(0.0005, driver.Push.Capabilities.CostPerMessage);
        Assert.Same(driver.World, driver.Email.GetService(typeof(SimulatedWorld)));
        Assert.Equal("simulation", Assert.IsType<ChannelMetadata>(driver.Sms.GetService(typeof(ChannelMetadata))).ProviderName);
        Assert.Same(smsCustomer, driver.World.Find(smsCustomer.Customer.Id));
        Assert.Null(driver.World.Find("nobody"));
    }

    [Fact]
    public void Frequency_above_tolerance_raises_unsubscribes_and_SMS_opt_outs_arrive_as_STOP()
    {
        var smsCustomers = Customers.Where(c => c.Customer.FindContact(ChannelKind.Sms) is not null).ToList();
        double UnsubscribesPerMessage(int perWeek, out WorldDriver driver)
        {
            driver = new WorldDriver(Population, smsCustomers);
            var gap = Duration.FromHours(168.0 / perWeek);
            var sends = 0;
            for (var t = Start + Duration.FromHours(10); t < Start + Duration.FromDays(28); t += gap)
            {
                driver.AdvanceTo(t);
                foreach (var c in smsCustomers)
                {
                    if (driver.Send(driver.Sms, c.Customer.Id).Status == SendStatus.Accepted)
                    {
                        sends++;
                    }
                }
            }

            driver.AdvanceTo(Start + Duration.FromDays(30));
            return driver.World.Metrics.For(ChannelKind.Sms).Unsubscribes / (double)sends;
        }

        var weekly = UnsubscribesPerMessage(1, out _);
        var daily = UnsubscribesPerMessage(14, out var heavy);
        Assert.True(daily > 2.5 * weekly, $"unsubscribes per message: weekly {weekly:P2}, twice daily {daily:P2}");

        var stops = heavy.Events.OfType<MessageEvent>().Where(m => m.Kind == MessageEventKind.Replied).ToList();
        var other = heavy.Events.OfType<MessageEvent>().Count(m => m.Kind == MessageEventKind.Unsubscribed);
        Assert.NotEmpty(stops);
        Assert.All(stops, s => Assert.True(OptOutKeywords.IsOptOut(s.ReplyText)));
        Assert.InRange(stops.Count / (double)(stops.Count + other), 0.8, 0.97);
        Assert.All(stops, s => Assert.Equal(ChannelKind.Sms, s.Channel));
        Assert.DoesNotContain(heavy.Events.OfType<MessageEvent>(), m => m.Kind == MessageEventKind.Opened);
    }

    [Fact]
    public void Contact_hurts_sleeping_dogs_and_the_oracle_knows()
    {
        var population = new PopulationOptions { Customers = 40_000, Seed = 13 };
        var dogs = PopulationGenerator.Generate(population)
            .Where(c => c.Truth.IsSleepingDog && c.Truth.IsActive && c.Customer.FindContact(ChannelKind.Email) is not null)
            .ToList();
        var quiet = new WorldDriver(population, dogs);
        var busy = new WorldDriver(population, dogs);
        for (var day = 0; day < 60; day++)
        {
            var t = population.Start + Duration.FromDays(day) + Duration.FromHours(15);
            quiet.AdvanceTo(t);
            busy.AdvanceTo(t);
            if (day % 3 == 0)
            {
                foreach (var c in dogs)
                {
                    busy.Send(busy.Email, c.Customer.Id, goalId: "newsletter");
                }
            }
        }

        quiet.AdvanceTo(population.Start + Duration.FromDays(90));
        busy.AdvanceTo(population.Start + Duration.FromDays(90));
        var q = quiet.World.Metrics;
        var b = busy.World.Metrics;
        Assert.True(b.OrganicPurchases < 0.8 * q.OrganicPurchases, $"organic purchases: {q.OrganicPurchases} without contact, {b.OrganicPurchases} with");

        var fresh = new SimulatedWorld(population, dogs);
        var outlooks = dogs.Select(c => fresh.Outlook(c, ChannelKind.Email, "newsletter", null, population.Start + Duration.FromHours(15))).ToList();
        Assert.True(outlooks.Average(o => o.ExpectedIncrementalRevenue) < 0);
        Assert.True(outlooks.Average(o => o.IncrementalConversionProbability) < 0);
    }

    [Fact]
    public void The_oracle_sees_that_offers_pay_for_deal_seekers_and_not_for_loyal_customers()
    {
        var population = new PopulationOptions { Customers = 20_000, Seed = 21 };
        var customers = PopulationGenerator.Generate(population).Where(c => !c.Truth.IsSleepingDog && c.Customer.FindContact(ChannelKind.Email) is not null).ToList();
        var world = new SimulatedWorld(population, customers);
        var at = population.Start + Duration.FromHours(19);
        var offer = new Offer("missyou15", 15m);
        double Gain(CustomerSegment segment) => customers.Where(c => c.Truth.SegmentKind == segment)
            .Average(c => world.Outlook(c, ChannelKind.Email, "win-back", offer, at).ExpectedIncrementalRevenue
                - world.Outlook(c, ChannelKind.Email, "win-back", null, at).ExpectedIncrementalRevenue);
        Assert.True(Gain(CustomerSegment.DealSeeker) > 0);
        Assert.True(Gain(CustomerSegment.DealSeeker) > 3 * Gain(CustomerSegment.Loyal), $"offer gain: deal-seekers {Gain(CustomerSegment.DealSeeker):F3}, loyal {Gain(CustomerSegment.Loyal):F3}");
    }

    [Fact]
    public void Cross_sell_pays_more_in_the_categories_the_customer_likes()
    {
        var world = new SimulatedWorld(Population, Customers);
        var at = Start + Duration.FromHours(19);
        var better = 0;
        var compared = 0;
        foreach (var c in Customers.Where(c => !c.Truth.IsSleepingDog && c.Truth.IsActive && c.Customer.FindContact(ChannelKind.Email) is not null).Take(500))
        {
            var rules = SimulatedCatalog.CrossSellRules.OrderBy(r => c.Truth.CategoryAffinity(SimulatedCatalog.IndexOf(r.Suggest))).ToList();
            var liked = world.Outlook(c, ChannelKind.Email, "cross-sell", null, at, rules[^1].Variant.Id, MessagePurpose.Marketing);
            var disliked = world.Outlook(c, ChannelKind.Email, "cross-sell", null, at, rules[0].Variant.Id, MessagePurpose.Marketing);
            compared++;
            if (liked.ExpectedIncrementalRevenue > disliked.ExpectedIncrementalRevenue)
            {
                better++;
            }
        }

        Assert.True(better > 0.95 * compared, $"{better} of {compared}");
    }

    [Fact]
    public void Subscriptions_renew_or_lapse_on_their_date()
    {
        var driver = new WorldDriver(Population, Customers);
        driver.AdvanceTo(Start + Duration.FromDays(30));
        var due = Customers.SelectMany(c => c.Customer.Subscriptions.Select(s => (c, s)))
            .Count(x => x.s.CancelledAt is null && (x.s.RenewsAt ?? x.s.ExpiresAt) is { } d && d >= Start && d <= Start + Duration.FromDays(30));
        var changes = driver.Events.OfType<SubscriptionEvent>().ToList();
        Assert.Equal(due, changes.Count);
        Assert.True(due > 10);
        Assert.Equal(changes.Count(c => c.Change == SubscriptionChangeKind.Renewed), driver.World.Metrics.Renewals);
        Assert.True(driver.World.Metrics.Renewals > driver.World.Metrics.Cancellations);
    }

    [Fact]
    public void World_options_fail_naming_the_field()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SimulatedWorld(Population, Customers.Take(1), new WorldOptions { MachineOpenShare = 2 }));
        Assert.Contains("WorldOptions.MachineOpenShare", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => new SimulatedWorld(Population, [Customers[0], Customers[0]]));
        Assert.Contains(Customers[0].Customer.Id, ex.Message, StringComparison.Ordinal);
    }
}
