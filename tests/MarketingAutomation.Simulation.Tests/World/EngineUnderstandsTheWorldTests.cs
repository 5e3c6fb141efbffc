namespace MarketingAutomation.Simulation.Tests.World;

/// <summary>The world's events, applied by the engine's own projection and feedback mapping, do what they mean.</summary>
public class EngineUnderstandsTheWorldTests
{
    [Fact]
    public void STOP_revokes_SMS_consent_hard_bounces_disable_the_address_and_conversions_reach_the_decision()
    {
        var population = new PopulationOptions { Customers = 3_000, Seed = 17 };
        var customers = PopulationGenerator.Generate(population).ToList();
        var options = new WorldOptions { SmsUnsubscribeRate = 0.4, HardBounceShare = 0.3 };
        var driver = new WorldDriver(population, customers, options);
        var at = population.Start + Duration.FromHours(20);
        driver.AdvanceTo(at);
        foreach (var c in customers)
        {
            if (c.Customer.FindContact(ChannelKind.Sms) is not null)
            {
                driver.Send(driver.Sms, c.Customer.Id, offerId: "missyou15");
            }

            if (c.Customer.FindContact(ChannelKind.Email) is not null)
            {
                driver.Send(driver.Email, c.Customer.Id, offerId: "missyou15");
            }
        }

        driver.AdvanceTo(at + Duration.FromDays(10));
        var contexts = customers.ToDictionary(c => c.Customer.Id, c => new CustomerContext(c.Customer));
        foreach (var e in driver.Events)
        {
            contexts[e.CustomerId] = CustomerProjection.Apply(contexts[e.CustomerId], e);
        }

        var stops = driver.Events.OfType<MessageEvent>().Where(m => m.Kind == MessageEventKind.Replied).ToList();
        Assert.True(stops.Count > 50);
        Assert.All(stops, s => Assert.Equal(ConsentStatus.Revoked, contexts[s.CustomerId].Customer.ConsentFor(ChannelKind.Sms, MessagePurpose.Marketing)!.Status));

        var hardBounces = driver.Events.OfType<MessageEvent>().Where(m => m.IsHardBounce).ToList();
        Assert.InRange(hardBounces.Count / (double)driver.World.Metrics.For(ChannelKind.Email).Sends, 0.25, 0.35);
        Assert.All(hardBounces, b => Assert.Null(contexts[b.CustomerId].Customer.FindValidContact(ChannelKind.Email)));

        var unsubscribed = driver.Events.OfType<MessageEvent>().Where(m => m.Kind == MessageEventKind.Unsubscribed).ToList();
        Assert.All(unsubscribed, u => Assert.Equal(ConsentStatus.Revoked, contexts[u.CustomerId].Customer.ConsentFor(u.Channel!.Value, MessagePurpose.Marketing)!.Status));

        var conversions = driver.Events.OfType<PurchaseEvent>().Where(p => p.Purchase.AttributedDecisionId is not null).ToList();
        Assert.NotEmpty(conversions);
        Assert.All(conversions, p =>
        {
            Assert.Contains(p.Purchase, contexts[p.CustomerId].Customer.Purchases);
            Assert.Equal(p.Purchase.AttributedDecisionId, FeedbackIngestor.ToFeedback(p)!.DecisionId);
        });

        // Machine opens reach the strategy as machine opens, not as engagement.
        var machine = driver.Events.OfType<MessageEvent>().First(m => m.IsMachineOpen);
        Assert.Equal(FeedbackKind.MachineOpened, FeedbackIngestor.ToFeedback(machine)!.Kind);
    }
}
