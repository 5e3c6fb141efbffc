using System.Globalization;
using MarketingAutomation.Tests.Support;

namespace MarketingAutomation.Tests.EndToEnd;

/// <summary>The part of the population a simulated customer belongs to.</summary>
public enum Segment
{
    /// <summary>Signs up during the run (welcome sequence).</summary>
    SignUp,

    /// <summary>Bought before; lapses before, during or after the run (win-back).</summary>
    Buyer,

    /// <summary>A VIP who also bought running shoes: VIP recommendation and cross-sell compete at the same priority.</summary>
    VipCrossSell,

    /// <summary>Old customers with nothing to say to them (or no consent).</summary>
    Quiet,
}

/// <summary>One simulated customer.</summary>
/// <param name="Customer">The customer as imported.</param>
/// <param name="Segment">The segment.</param>
public sealed record SimulatedCustomer(Customer Customer, Segment Segment)
{
    public string Id => Customer.Id;

    public bool HasEmailConsent => Customer.ConsentFor(ChannelKind.Email, MessagePurpose.Marketing) is { Status: ConsentStatus.Granted };
}

/// <summary>A seeded population of 1,000 customers for the 14-day acceptance run.</summary>
public static class SimulatedPopulation
{
    public static IReadOnlyList<SimulatedCustomer> Create(Instant start, int seed)
    {
        var random = new Random(seed);
        var result = new List<SimulatedCustomer>(1000);
        for (var i = 0; i < 1000; i++)
        {
            var id = "c" + i.ToString("D4", CultureInfo.InvariantCulture);
            var phone = "+1415555" + (1000 + i).ToString("D4", CultureInfo.InvariantCulture);
            Segment segment = i switch
            {
                < 200 => Segment.SignUp,
                < 700 => Segment.Buyer,
                < 800 => Segment.VipCrossSell,
                _ => Segment.Quiet,
            };
            Customer customer;
            switch (segment)
            {
                case Segment.SignUp:
                {
                    // Sign-ups arrive at random minutes over the first 13 days.
                    var signedUp = start + Duration.FromMinutes(random.Next(0, 13 * 24 * 60));
                    customer = AgentCustomers.WithEmail(id, signedUp);
                    if (random.NextDouble() < 0.3)
                    {
                        customer = customer.AndSms(phone);
                    }

                    if (random.NextDouble() < 0.1)
                    {
                        customer = customer with { Consents = [] };
                    }

                    break;
                }

                case Segment.Buyer:
                {
                    // Last purchase 5 to 80 days before the start: some lapsed already, some lapse during the run, some after it.
                    var signedUp = start - Duration.FromDays(random.Next(200, 700));
                    customer = AgentCustomers.WithEmail(id, signedUp).AndPurchase(start - Duration.FromDays(random.Next(120, 190)), 40m + random.Next(0, 100));
                    customer = customer.AndPurchase(start - Duration.FromMinutes(random.Next(5 * 24 * 60, 80 * 24 * 60)), 40m + random.Next(0, 100));
                    if (random.NextDouble() < 0.3)
                    {
                        // Express (not written) consent: marketing SMS is denied, which shows on the trace.
                        customer = customer.AndSms(phone, ConsentBasis.Express);
                    }

                    if (random.NextDouble() < 0.1)
                    {
                        customer = customer with { Consents = [] };
                    }

                    break;
                }

                case Segment.VipCrossSell:
                {
                    var signedUp = start - Duration.FromDays(random.Next(300, 700));
                    customer = AgentCustomers.WithEmail(id, signedUp).AndPurchase(start - Duration.FromDays(200), 700m, "watch-1", "watches");

                    // Most bought shoes 3+ days ago (cross-sell due at once, competing with VIP); some during the last 3 days.
                    var boughtShoes = random.NextDouble() < 0.7
                        ? start - Duration.FromMinutes(random.Next(3 * 24 * 60, 20 * 24 * 60))
                        : start - Duration.FromMinutes(random.Next(60, 3 * 24 * 60));
                    customer = customer.AndPurchase(boughtShoes, 120m, "shoe-run-1", "running-shoes");
                    break;
                }

                default:
                {
                    var signedUp = start - Duration.FromDays(random.Next(30, 700));
                    customer = random.NextDouble() < 0.5 ? AgentCustomers.WithEmail(id, signedUp) : AgentCustomers.WithoutConsent(id, signedUp);
                    break;
                }
            }

            result.Add(new SimulatedCustomer(customer, segment));
        }

        return result;
    }
}
