namespace MarketingAutomation;

/// <summary>
/// The learned send-time model: over the next <see cref="AdaptiveStrategyOptions.MaxSendDelay"/> hours, one Thompson draw per
/// customer-local hour from the customer's engaged hours (pooled with the same hour on other days and the neighbouring hours, shrunk
/// toward the population's hour-of-week profile), slightly discounted per hour of waiting; the best hour that every rule allows
/// (checked through <see cref="TimingContext.Rules"/>) and keeps <see cref="AdaptiveStrategyOptions.MinSpacing"/> from the customer's other
/// messages wins. It never stops exploring: every decision draws again. Customers without a known time zone are sent to at once.
/// </summary>
public sealed class AdaptiveSendTimeStrategy : ISendTimeStrategy
{
    /// <summary>The reason on traces when the current hour is the best sampled one.</summary>
    public const string NowReason = "engaged hours: the current hour is the best sampled hour";

    /// <summary>The reason on traces when the message waits for a better hour.</summary>
    public const string LaterReason = "engaged hours: moved to the best sampled hour the rules allow";

    /// <summary>The reason on traces when the customer's time zone is unknown.</summary>
    public const string NoZoneReason = "immediate: the customer's time zone is unknown";

    /// <summary>The reason on traces when moving is switched off.</summary>
    public const string DisabledReason = "immediate: MaxSendDelay is 0";

    private const int MaxHours = 168;
    private const double WaitDiscountPerHour = 0.01;

    private readonly AdaptiveStrategy _strategy;
    private readonly int _hours;

    /// <summary>Initializes a new instance of the <see cref="AdaptiveSendTimeStrategy"/> class.</summary>
    /// <param name="strategy">The learning strategy whose population hour profile and options it shares.</param>
    public AdaptiveSendTimeStrategy(AdaptiveStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        _strategy = strategy;
        _hours = Math.Clamp((int)Math.Floor(strategy.Options.MaxSendDelay.TotalHours), 0, MaxHours);
    }

    /// <inheritdoc />
    public SendTimeChoice ChooseSendTime(in TimingContext context)
    {
        var now = context.Now;
        if (_hours == 0)
        {
            return new SendTimeChoice(now, DisabledReason);
        }

        var customer = context.Customer;
        if (customer.Customer.TimeZone is not { } zone)
        {
            return new SendTimeChoice(now, NoZoneReason);
        }

        CustomerModelState.TryDeserialize(customer.LearnedState.Span, out var state, out _);
        var model = _strategy.Model;
        var random = new LearningRandom(_strategy.Options.Seed ^ 0x5E9D_71E5UL ^ StableHash.Of(customer.Id, (ulong)now.ToUnixTimeTicks()));
        Span<double> draws = stackalloc double[_hours];
        for (var h = 0; h < _hours; h++)
        {
            var slot = AdaptiveStrategy.HourOfWeek(now + Duration.FromHours(h), zone);
            var posterior = state.Hours.PooledPosterior(slot, model.HourPrior(slot));
            draws[h] = posterior.Sample(ref random) * (1 - (WaitDiscountPerHour * h));
        }

        // Best first; later hours must keep the spacing and pass every rule (the current hour already did).
        for (var attempt = 0; attempt < _hours; attempt++)
        {
            var best = 0;
            for (var h = 1; h < _hours; h++)
            {
                if (draws[h] > draws[best])
                {
                    best = h;
                }
            }

            if (draws[best] == double.NegativeInfinity)
            {
                break;
            }

            if (best == 0)
            {
                return new SendTimeChoice(now, NowReason);
            }

            var at = now + Duration.FromHours(best);
            if (KeepsSpacing(customer, at) && (context.Rules is not { } rules || rules.IsAllowedAt(customer, context.Candidate, at)))
            {
                return new SendTimeChoice(at, LaterReason);
            }

            draws[best] = double.NegativeInfinity;
        }

        return new SendTimeChoice(now, NowReason);
    }

    private bool KeepsSpacing(CustomerContext customer, Instant at)
    {
        var spacing = _strategy.Options.MinSpacing;
        var messages = customer.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            if (m.CountsTowardCaps && m.ScheduledAt > at - spacing && m.ScheduledAt < at + spacing)
            {
                return false;
            }
        }

        return true;
    }
}
